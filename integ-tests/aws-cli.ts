/**
 * The AWS CLI, unchanged, against a local endpoint (`aws <service> --endpoint-url …`) with the
 * local credentials and nothing from the user's own configuration. Needs the `aws` command
 * (Debian's `awscli`; .ci/run installs it).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../runtime/local-credentials.ts';

const run = promisify(execFile);

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws <service> --endpoint-url <endpoint> --output json <args…>`; a non-zero exit is returned, not thrown. */
export async function awsCli(service: string, endpoint: string, ...args: string[]): Promise<AwsCliResult> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  try {
    const { stdout, stderr } = await run('aws', [service, '--endpoint-url', endpoint, '--output', 'json', ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('The `aws` command is not installed (apt-get install awscli)');
    return { code: Number(e.code ?? 1), stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Like `awsCli`, parsing the JSON it prints; throws with the CLI's error when it fails. */
export async function awsCliJson(service: string, endpoint: string, ...args: string[]): Promise<any> {
  const result = await awsCli(service, endpoint, ...args);
  if (result.code !== 0) throw Object.assign(new Error(`aws ${service} ${args.join(' ')} failed (${result.code}): ${result.stderr}`), result);
  return result.stdout.trim() === '' ? {} : JSON.parse(result.stdout);
}
