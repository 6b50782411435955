/**
 * `camflow users add NAME --role admin|viewer [--password P] [--replace]`: create a user of the
 * local issuer in the catalog table. Without --password it asks for one on a terminal, or
 * generates one and prints it. DynamoDB is reached through the standard variable
 * `AWS_ENDPOINT_URL_DYNAMODB` (default: the local stack's http://127.0.0.1:8000), table
 * `CATALOG_TABLE` (default `camflow`). In AWS, users live in Cognito instead (see README).
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { CATALOG_TABLE_NAME_LOCAL } from '../../domain/catalog-table.ts';
import { ENV } from '../../domain/clip-contract.ts';
import { LOCAL_CREDENTIALS, LOCAL_DYNAMODB_ENDPOINT, LOCAL_REGION } from '../local-credentials.ts';
import { lazyApiClients } from '../../api/aws-clients.ts';
import { checkNewPassword, generatePassword, MIN_PASSWORD_LENGTH, PasswordTooWeak } from '../../api/auth/passwords.ts';
import { ROLES, USERNAME_PATTERN, type Role } from '../../api/auth/roles.ts';
import { dynamoUserStore, UserExists } from '../../api/auth/users.ts';

const USAGE = `usage: camflow users add NAME --role admin|viewer [--password P (at least ${MIN_PASSWORD_LENGTH} characters)] [--replace]`;

async function promptPassword(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { role: { type: 'string' }, password: { type: 'string' }, replace: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`camflow users: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [action, name, ...rest] = parsed.positionals;
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (action !== 'add' || !name || rest.length) {
    console.error(USAGE);
    return 2;
  }
  const role = parsed.values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) {
    console.error(`camflow users: --role must be admin or viewer\n${USAGE}`);
    return 2;
  }
  if (!USERNAME_PATTERN.test(name)) {
    console.error(`camflow users: '${name}' is not a valid user name: use 1-64 lowercase letters, digits, '.', '_', '@' or '-'.`);
    return 2;
  }

  if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) {
    // No endpoint given: the local stack (`camflow up`), with its fixed credentials.
    process.env.AWS_ENDPOINT_URL_DYNAMODB = LOCAL_DYNAMODB_ENDPOINT;
    process.env.AWS_ACCESS_KEY_ID ??= LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY ??= LOCAL_CREDENTIALS.secretAccessKey;
  }
  process.env.AWS_REGION ??= LOCAL_REGION;
  const tableName = process.env[ENV.table] ?? CATALOG_TABLE_NAME_LOCAL;

  let password = parsed.values.password;
  let generated = false;
  if (password === undefined) {
    if (process.stdin.isTTY) {
      password = await promptPassword(`Password for ${name} (at least ${MIN_PASSWORD_LENGTH} characters): `);
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

  const clients = lazyApiClients();
  try {
    await dynamoUserStore(() => clients.dynamodb, tableName).add({ username: name, role, password, replace: parsed.values.replace });
  } catch (error) {
    if (error instanceof UserExists) {
      console.error(`camflow users: ${error.message}`);
      return 1;
    }
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    console.error(`camflow users: could not write user '${name}' to table '${tableName}' at ${endpoint}: ${(error as Error).message}. Is the local stack running (npx camflow up)?`);
    return 1;
  } finally {
    clients.dynamodb.destroy();
  }
  console.log(`User '${name}' (${role}) created in table '${tableName}'.`);
  if (generated) console.log(`Password: ${password}`);
  return 0;
}
