/**
 * `camflow users add NAME --role admin|viewer [--password P] [--replace]`: create a user of the
 * local issuer in the catalog table. Without --password it asks for one on a terminal (the
 * one prompt, domain/password-prompt.ts), or generates one and prints it. DynamoDB is reached through the standard variable
 * `AWS_ENDPOINT_URL_DYNAMODB` (default: the local stack's http://127.0.0.1:8000), table
 * `CATALOG_TABLE` (default `camflow`). In AWS, users live in Cognito instead (see README).
 */
import { CATALOG_TABLE_NAME_LOCAL } from '../../domain/catalog-table.ts';
import { ENV } from '../../domain/clip-contract.ts';
import { CONSOLE_OUTPUT, readCommandLine, usageError, type CommandSpec } from '../../domain/command-line.ts';
import { PasswordPromptCancelled, readPassword } from '../../domain/password-prompt.ts';
import { LOCAL_CREDENTIALS, LOCAL_DYNAMODB_ENDPOINT, LOCAL_REGION } from '../local-credentials.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazyApiClients } from '../../api/aws-clients.ts';
import { checkNewPassword, generatePassword, MIN_PASSWORD_LENGTH, PasswordTooWeak } from '../../api/auth/passwords.ts';
import { ROLES, USERNAME_PATTERN, type Role } from '../../api/auth/roles.ts';
import { dynamoUserStore, UserExists } from '../../api/auth/users.ts';

export const SPEC: CommandSpec = {
  command: 'camflow users',
  synopsis: 'add NAME --role admin|viewer [--password P] [--replace]',
  summary:
    'Creates a user of the local issuer (the API of `camflow up`) in the catalog table. Without --password it asks for one on a terminal, or generates one and prints it. In AWS, users live in Cognito instead (see README).',
  subcommands: { 'add NAME': 'create user NAME (1-64 lowercase letters, digits, ".", "_", "@" or "-")' },
  positionals: true,
  flags: {
    role: { type: 'string', value: 'ROLE', help: 'admin (everything) or viewer (watch only); required' },
    password: { type: 'string', value: 'P', help: `the password, at least ${MIN_PASSWORD_LENGTH} characters`, default: 'asked on a terminal, else generated and printed' },
    replace: { type: 'boolean', help: 'replace an existing user of that name (its role and password)' },
  },
  environment: {
    AWS_ENDPOINT_URL_DYNAMODB: `the DynamoDB endpoint (default: the local stack's ${LOCAL_DYNAMODB_ENDPOINT}, with its fixed credentials)`,
    [ENV.table]: `the table (default: ${CATALOG_TABLE_NAME_LOCAL})`,
    'AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY': `for another endpoint (default region: ${LOCAL_REGION})`,
  },
  notes: 'Exit code: 0 created, 1 the user exists or the table cannot be written, 2 the command line or the password is refused.',
};

/** `env`: where the endpoint, table and credentials are read (the CLI's own environment). */
export async function run(args: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const parsed = readCommandLine<{ role?: string; password?: string; replace?: boolean }>(SPEC, args, CONSOLE_OUTPUT, 2);
  if ('exitCode' in parsed) return parsed.exitCode;
  const [action, name, ...rest] = parsed.positionals;
  if (action !== 'add' || !name || rest.length) {
    console.error(
      usageError(SPEC, action === undefined ? 'say what to do: add NAME' : action !== 'add' ? `unknown subcommand '${action}'` : !name ? 'add needs a user NAME' : `unexpected argument '${rest[0]}'`),
    );
    return 2;
  }
  const role = parsed.values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) {
    console.error(usageError(SPEC, '--role must be admin or viewer'));
    return 2;
  }
  if (!USERNAME_PATTERN.test(name)) {
    console.error(`camflow users: '${name}' is not a valid user name: use 1-64 lowercase letters, digits, '.', '_', '@' or '-'.`);
    return 2;
  }

  // No endpoint given: the local stack (`camflow up`), with its fixed credentials (unless others are set).
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || LOCAL_DYNAMODB_ENDPOINT;
  const given =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN } : undefined;
  // Keys in `env` first; else the local stack's fixed ones for its endpoint; else the SDK's default chain (profiles, SSO…).
  const credentials = given ?? (env.AWS_ENDPOINT_URL_DYNAMODB ? undefined : { ...LOCAL_CREDENTIALS });
  const dynamodb = new DynamoDBClient({ endpoint, region: env.AWS_REGION || LOCAL_REGION, ...(credentials ? { credentials } : {}) });
  const tableName = env[ENV.table] ?? CATALOG_TABLE_NAME_LOCAL;

  let password = parsed.values.password;
  let generated = false;
  if (password === undefined) {
    if (process.stdin.isTTY) {
      try {
        password = await readPassword(`Password for ${name} (at least ${MIN_PASSWORD_LENGTH} characters): `, { input: process.stdin, output: process.stdout });
      } catch (error) {
        if (!(error instanceof PasswordPromptCancelled)) throw error;
        console.error(`camflow users: ${error.message}`);
        return 130;
      }
    } else {
      password = generatePassword();
      generated = true;
    }
  }
  try {
    checkNewPassword(password);
  } catch (error) {
    if (!(error instanceof PasswordTooWeak)) throw error;
    console.error(`camflow users: ${error.message}`);
    return 2;
  }

  const clients = lazyApiClients({ dynamodb: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }) });
  try {
    await dynamoUserStore(() => clients.dynamodb, tableName).add({ username: name, role, password, replace: parsed.values.replace });
  } catch (error) {
    if (error instanceof UserExists) {
      console.error(`camflow users: ${error.message}`);
      return 1;
    }
    console.error(`camflow users: could not write user '${name}' to table '${tableName}' at ${endpoint}: ${(error as Error).message}. Is the local stack running (npx camflow up)?`);
    return 1;
  } finally {
    clients.dynamodb.destroy();
  }
  console.log(`User '${name}' (${role}) created in table '${tableName}'.`);
  if (generated) console.log(`Password: ${password}`);
  return 0;
}
