/**
 * Debian's Chromium as the browser tests and the web bench drive it (playwright-core downloads
 * no browser). The flags: headless as root without a sandbox or GPU, and none of Chromium's own
 * background connections, which this machine's closed network refuses by the dozen.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumOptions(extraArgs: string[] = []): { executablePath: string; headless: true; args: string[] } {
  return {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  };
}
