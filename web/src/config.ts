/**
 * Where the app's API is, read at start from `/config.json`: written by `camflow up` locally
 * and at deploy from the stack's outputs in AWS, so one build serves any stack.
 */
export interface AppConfig {
  apiUrl: string;
  userPoolId?: string;
  userPoolClientId?: string;
  region?: string;
  /** A Cognito-compatible endpoint instead of `https://cognito-idp.{region}.amazonaws.com/` (tests). */
  userPoolEndpoint?: string;
}

export class ConfigUnavailable extends Error {
  override name = 'ConfigUnavailable';
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<AppConfig> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetchImpl('/config.json', { cache: 'no-store' });
    if (response.ok) {
      const config = (await response.json()) as Partial<AppConfig>;
      if (typeof config.apiUrl !== 'string' || !/^https?:\/\//.test(config.apiUrl)) {
        throw new ConfigUnavailable('config.json has no apiUrl: redeploy the stack, or start the app with `camflow up`.');
      }
      return { ...config, apiUrl: config.apiUrl.replace(/\/+$/, '') };
    }
    // camflow up answers 503 for the second it takes the API to listen.
    if (response.status !== 503 || attempt >= 20) throw new ConfigUnavailable(`config.json could not be read (HTTP ${response.status}).`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
