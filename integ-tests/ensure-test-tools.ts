/**
 * `npm test` runs this first (pretest): the tests need ffmpeg and ffprobe (Debian's 5.1:
 * libx265 for the HEVC fixtures, ffprobe to check outputs), curl and lftp (FTP clients the
 * gateway's camera tests use), the AWS CLI (the Step Functions endpoint test) and Chromium (the web app's test). On a fresh Debian machine, as
 * root, it installs the missing ones from Debian's packages; elsewhere it says what to install.
 */
import { spawn, spawnSync } from 'node:child_process';

const TOOLS: Array<{ command: string; args: string[]; debianPackage: string }> = [
  { command: 'ffmpeg', args: ['-version'], debianPackage: 'ffmpeg' },
  { command: 'ffprobe', args: ['-version'], debianPackage: 'ffmpeg' },
  { command: 'curl', args: ['--version'], debianPackage: 'curl' },
  { command: 'lftp', args: ['--version'], debianPackage: 'lftp' },
  { command: 'aws', args: ['--version'], debianPackage: 'awscli' },
  // The web app's end-to-end test (integ-tests/web-app.e2e.test.ts) runs Debian's Chromium.
  { command: '/usr/bin/chromium', args: ['--version'], debianPackage: 'chromium' },
];

/** Whether `command args` exits 0; the tools are asked all at once (the AWS CLI and Chromium take half a second each to answer). */
const answers = (command: string, args: string[]) =>
  new Promise<boolean>((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });

const found = await Promise.all(TOOLS.map((tool) => answers(tool.command, tool.args)));
const missing = TOOLS.filter((_, i) => !found[i]);
if (missing.length > 0) {
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))];
  const canInstall = process.getuid?.() === 0 && (await answers('apt-get', ['--version']));
  if (!canInstall) {
    console.error(
      `The tests need ${missing.map((t) => t.command).join(', ')}: install ${packages.join(' ')} (apt-get install ${packages.join(' ')}, brew install ${packages.join(' ')}…), then run npm test again.`,
    );
    process.exit(1);
  }
  console.log(`Installing what the tests need from Debian's packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed; install ${packages.join(' ')} yourself, then run npm test again.`);
      process.exit(1);
    }
  }
}
