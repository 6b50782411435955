/**
 * The web app's Content-Security-Policy, one definition for both homes: `camflow up` sends it
 * with index.html (runtime/local-web.ts), CloudFront with every response in AWS (the stack's
 * response-headers policy, workflows/web-hosting.ts). Scripts and styles of the app's own
 * origin only; data from the API, the media bucket and (in AWS) Cognito.
 */
export function contentSecurityPolicy(connect: string[]): string {
  const sources = [...new Set(connect)].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: ${sources}`,
    `media-src 'self' blob: ${sources}`,
    `connect-src 'self' ${sources}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}
