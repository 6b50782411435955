/**
 * A Cognito-shaped user pool for tests (never for use): the three calls the web app makes to
 * Cognito, in Cognito's JSON 1.1 protocol (`X-Amz-Target: AWSCognitoIdentityProviderService.*`),
 * with the server's half of Cognito's SRP done for real — the pool keeps a salt and verifier
 * per user, never the password, and checks the client's PASSWORD_CLAIM_SIGNATURE:
 *
 * - InitiateAuth USER_SRP_AUTH: SRP_A in, SALT / SRP_B / SECRET_BLOCK out (PASSWORD_VERIFIER);
 * - RespondToAuthChallenge PASSWORD_VERIFIER: the signature over pool, user, secret block and
 *   timestamp checked against the key both sides derived; ID, access and refresh tokens out —
 *   or, for a user created with a temporary password (`admin-create-user`, FORCE_CHANGE_PASSWORD),
 *   the NEW_PASSWORD_REQUIRED challenge and a Session;
 * - RespondToAuthChallenge NEW_PASSWORD_REQUIRED: NEW_PASSWORD checked against the stack's
 *   password policy (InvalidPasswordException otherwise, the Session still usable for another
 *   try until it expires; should a real pool end it, the app says to sign in again), the user's salt and verifier replaced, then tokens out; later sign-ins use it by SRP;
 * - InitiateAuth REFRESH_TOKEN_AUTH: new ID and access tokens for a refresh token.
 *
 * Group: RFC 5054's 3072-bit prime (RFC 3526 group 15, Node's `modp15`), g = 2,
 * k = H(N | g); hex values are "padded" as Cognito pads them (a leading 00 when the high bit is
 * set); the key is HKDF-SHA256 of S salted with u, info "Caldera Derived Key", 16 bytes.
 *
 * Its tokens are signed by the function it is given (the tests sign with the local API's key,
 * so the local API accepts them as the API in AWS accepts the pool's).
 */
import { createHash, createHmac, getDiffieHellman, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { USER_POOL_PASSWORD_POLICY } from '../domain/password-policy.ts';

const N = BigInt('0x' + getDiffieHellman('modp15').getPrime('hex'));
const g = 2n;

/** Cognito's hex: even length, and a leading 00 when the first bit is set (a positive number). */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return /^[89a-f]/i.test(hex) ? '00' + hex : hex;
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hexHash = (hex: string) => sha256Hex(Buffer.from(hex, 'hex'));
const big = (hex: string) => BigInt('0x' + hex);
const k = big(hexHash(padHex(N) + padHex(g)));

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function passwordKey(S: bigint, u: bigint): Buffer {
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
    .update(Buffer.from(padHex(S), 'hex'))
    .digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}

/** The stack's pool's password policy (workflows/api-construct.ts `passwordPolicy`). */
export const STACK_PASSWORD_POLICY = USER_POOL_PASSWORD_POLICY;

/** Cognito's reason for refusing a new password, in Cognito's words; undefined when it follows the policy. */
export function passwordPolicyProblem(password: string, policy = STACK_PASSWORD_POLICY): string | undefined {
  if (password.length < policy.minLength) return 'Password not long enough';
  if (policy.requireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (policy.requireDigits && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (policy.requireSymbols && !/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password)) return 'Password must have symbol characters';
  return undefined;
}

export interface TokenClaims {
  username: string;
  group: string;
  tokenUse: 'id' | 'access';
  clientId: string;
}

export interface TestUserPool {
  /** e.g. http://127.0.0.1:41234/ — config.json's `userPoolEndpoint`. */
  endpoint: string;
  userPoolId: string;
  clientId: string;
  /** Each call, as `InitiateAuth USER_SRP_AUTH`, `RespondToAuthChallenge PASSWORD_VERIFIER`, … with its outcome. */
  calls: string[];
  /**
   * A user with a permanent password, or — `temporary: true` — as `admin-create-user` makes one:
   * FORCE_CHANGE_PASSWORD, asked for a new password at the first sign-in.
   */
  addUser(username: string, password: string, group: 'admin' | 'viewer', options?: { temporary?: boolean }): void;
  /** Cognito's UserStatus of a user. */
  status(username: string): 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | undefined;
  stop(): Promise<void>;
}

class PoolError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startTestUserPool(options: {
  userPoolId: string;
  clientId: string;
  /** The one origin admitted by CORS: the web app's. */
  origin: string;
  /** ID and access tokens' lifetime. */
  tokenSeconds: number;
  sign(claims: TokenClaims, seconds: number): Promise<string>;
}): Promise<TestUserPool> {
  const poolName = options.userPoolId.split('_')[1]!;
  const users = new Map<string, { salt: bigint; verifier: bigint; group: 'admin' | 'viewer'; temporary: boolean }>();
  /** Sessions of the NEW_PASSWORD_REQUIRED challenge: for whom, until when (Cognito's are 3 minutes). */
  const newPasswordSessions = new Map<string, { username: string; until: number }>();
  const challenges = new Map<string, { username: string; A: bigint; b: bigint; B: bigint; secretBlock: Buffer }>();
  const refreshTokens = new Map<string, string>();
  const calls: string[] = [];

  const tokens = async (username: string, withRefresh: boolean) => {
    const user = users.get(username)!;
    const claims = { username, group: user.group, clientId: options.clientId };
    const result: Record<string, unknown> = {
      IdToken: await options.sign({ ...claims, tokenUse: 'id' }, options.tokenSeconds),
      AccessToken: await options.sign({ ...claims, tokenUse: 'access' }, options.tokenSeconds),
      ExpiresIn: options.tokenSeconds,
      TokenType: 'Bearer',
    };
    if (withRefresh) {
      const refresh = randomBytes(48).toString('base64url');
      refreshTokens.set(refresh, username);
      result.RefreshToken = refresh;
    }
    return { AuthenticationResult: result, ChallengeParameters: {} };
  };

  const operations: Record<string, (body: Record<string, any>) => Promise<unknown>> = {
    async InitiateAuth(body) {
      if (body.ClientId !== options.clientId) throw new PoolError('ResourceNotFoundException', 'User pool client does not exist.');
      const parameters = (body.AuthParameters ?? {}) as Record<string, string>;
      if (body.AuthFlow === 'REFRESH_TOKEN_AUTH') {
        const username = refreshTokens.get(parameters.REFRESH_TOKEN ?? '');
        if (!username) throw new PoolError('NotAuthorizedException', 'Invalid Refresh Token');
        return tokens(username, false);
      }
      if (body.AuthFlow !== 'USER_SRP_AUTH') throw new PoolError('InvalidParameterException', `Auth flow ${String(body.AuthFlow)} is not enabled for this client.`);
      const username = parameters.USERNAME ?? '';
      const user = users.get(username);
      if (!user) throw new PoolError('NotAuthorizedException', 'Incorrect username or password.');
      const A = big(parameters.SRP_A ?? '0');
      if (A % N === 0n) throw new PoolError('InvalidParameterException', 'SRP_A is invalid.');
      const b = big(randomBytes(128).toString('hex'));
      const B = (k * user.verifier + modPow(g, b, N)) % N;
      const session = randomBytes(32).toString('base64url');
      const secretBlock = randomBytes(64);
      challenges.set(session, { username, A, b, B, secretBlock });
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: session,
        ChallengeParameters: { SALT: user.salt.toString(16), SRP_B: B.toString(16), SECRET_BLOCK: secretBlock.toString('base64'), USER_ID_FOR_SRP: username, USERNAME: username },
      };
    },
    async RespondToAuthChallenge(body) {
      if (body.ClientId !== options.clientId) throw new PoolError('ResourceNotFoundException', 'User pool client does not exist.');
      if (body.ChallengeName === 'NEW_PASSWORD_REQUIRED') return newPassword(body);
      if (body.ChallengeName !== 'PASSWORD_VERIFIER') throw new PoolError('InvalidParameterException', 'Unknown challenge.');
      const challenge = challenges.get(String(body.Session));
      challenges.delete(String(body.Session));
      const responses = (body.ChallengeResponses ?? {}) as Record<string, string>;
      if (!challenge || responses.USERNAME !== challenge.username) throw new PoolError('NotAuthorizedException', 'Invalid session for the user.');
      if (responses.PASSWORD_CLAIM_SECRET_BLOCK !== challenge.secretBlock.toString('base64')) throw new PoolError('NotAuthorizedException', 'Invalid secret block.');
      const timestamp = responses.TIMESTAMP ?? '';
      if (!/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/.test(timestamp) || Math.abs(Date.parse(timestamp.replace(' UTC', '') + ' UTC') - Date.now()) > 5 * 60_000) {
        throw new PoolError('NotAuthorizedException', 'The timestamp is invalid.');
      }
      const user = users.get(challenge.username)!;
      const u = big(hexHash(padHex(challenge.A) + padHex(challenge.B)));
      if (u === 0n) throw new PoolError('NotAuthorizedException', 'Incorrect username or password.');
      const S = modPow(challenge.A * modPow(user.verifier, u, N), challenge.b, N);
      const expected = createHmac('sha256', passwordKey(S, u))
        .update(Buffer.concat([Buffer.from(poolName, 'utf8'), Buffer.from(challenge.username, 'utf8'), challenge.secretBlock, Buffer.from(timestamp, 'utf8')]))
        .digest();
      const claimed = Buffer.from(responses.PASSWORD_CLAIM_SIGNATURE ?? '', 'base64');
      if (claimed.length !== expected.length || !timingSafeEqual(claimed, expected)) throw new PoolError('NotAuthorizedException', 'Incorrect username or password.');
      if (user.temporary) {
        const session = randomBytes(32).toString('base64url');
        newPasswordSessions.set(session, { username: challenge.username, until: Date.now() + 3 * 60_000 });
        return {
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeParameters: { USER_ID_FOR_SRP: challenge.username, requiredAttributes: '[]', userAttributes: JSON.stringify({ email_verified: 'true' }) },
        };
      }
      return tokens(challenge.username, true);
    },
  };

  async function newPassword(body: Record<string, any>) {
    const responses = (body.ChallengeResponses ?? {}) as Record<string, string>;
    const pending = newPasswordSessions.get(String(body.Session));
    if (!pending || pending.until < Date.now() || responses.USERNAME !== pending.username) {
      newPasswordSessions.delete(String(body.Session));
      throw new PoolError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    }
    const password = responses.NEW_PASSWORD ?? '';
    const problem = passwordPolicyProblem(password);
    if (problem) throw new PoolError('InvalidPasswordException', `Password does not conform to policy: ${problem}`);
    newPasswordSessions.delete(String(body.Session));
    setPassword(pending.username, password, users.get(pending.username)!.group, false);
    return tokens(pending.username, true);
  }

  function setPassword(username: string, password: string, group: 'admin' | 'viewer', temporary: boolean) {
    const salt = big(randomBytes(16).toString('hex'));
    const x = big(hexHash(padHex(salt) + sha256Hex(`${poolName}${username}:${password}`)));
    users.set(username, { salt, verifier: modPow(g, x, N), group, temporary });
  }

  const cors = (request: IncomingMessage): Record<string, string> =>
    request.headers.origin === options.origin
      ? {
          'access-control-allow-origin': options.origin,
          'access-control-allow-headers': 'content-type, x-amz-target, x-amz-user-agent, cache-control',
          'access-control-allow-methods': 'POST',
          vary: 'Origin',
        }
      : {};

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'OPTIONS') {
      response.writeHead(204, cors(request)).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AWSCognitoIdentityProviderService\./, '');
      const answer = (status: number, body: unknown, extra: Record<string, string> = {}) =>
        response.writeHead(status, { ...cors(request), 'content-type': 'application/x-amz-json-1.1', ...extra }).end(JSON.stringify(body));
      let body: Record<string, any>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, any>;
      } catch {
        answer(400, { __type: 'SerializationException', message: 'The body is not JSON.' });
        return;
      }
      const handler = request.method === 'POST' && /application\/x-amz-json-1\.1/.test(request.headers['content-type'] ?? '') ? operations[operation] : undefined;
      const what = `${operation} ${String(body.AuthFlow ?? body.ChallengeName ?? '')}`.trim();
      if (!handler) {
        calls.push(`${what}: unknown operation`);
        answer(400, { __type: 'UnknownOperationException', message: `${operation} is not served here.` });
        return;
      }
      handler(body).then(
        (result) => {
          calls.push(`${what}: ok`);
          answer(200, result);
        },
        (error: unknown) => {
          const type = error instanceof PoolError ? error.type : 'InternalErrorException';
          calls.push(`${what}: ${type}`);
          answer(error instanceof PoolError ? 400 : 500, { __type: type, message: (error as Error).message }, { 'x-amzn-errortype': `${type}:` });
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}/`,
    userPoolId: options.userPoolId,
    clientId: options.clientId,
    calls,
    addUser: (username, password, group, { temporary = false } = {}) => setPassword(username, password, group, temporary),
    status(username) {
      const user = users.get(username);
      return user && (user.temporary ? 'FORCE_CHANGE_PASSWORD' : 'CONFIRMED');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
