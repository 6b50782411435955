/**
 * The web app's hosting in the stack's template (synthesized without bundling, so no build is
 * needed): private bucket read by CloudFront through origin access control only, HTTPS only,
 * the response-headers policy and its CSP, the view-URL function, and the deployment with its
 * config.json from the stack's outputs. The bundled synthesis (camflow-stack.test.ts) checks
 * the build goes in; the CSP itself is exercised in Chromium (integ-tests/web-app*.e2e.test.ts).
 */
import { runInNewContext } from 'node:vm';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CamflowStack } from './camflow-stack.ts';
import { SPA_ROUTES_FUNCTION } from './web-hosting.ts';

type Resource = { Type: string; Properties: Record<string, any> };
let stack: CamflowStack;
let template: Template;
let resources: Record<string, Resource>;
const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const made = new CamflowStack(app, 'Camflow');
  return { stack: made, template: Template.fromStack(made) };
}

/** A CloudFormation Fn::Join with its Refs and GetAtts written as `${Ref}` / `${Id.Attr}`. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(joined).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

beforeAll(() => {
  ({ stack, template } = synth());
  resources = template.toJSON().Resources;
});

describe('CamflowWebHosting', () => {
  it('keeps the files in a private, encrypted, access-logged bucket that only the distribution may read', () => {
    const bucket = resources[idOf(stack.web.bucket)]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.LoggingConfiguration.LogFilePrefix).toBe('web/');
    expect(bucket.WebsiteConfiguration).toBeUndefined();
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === idOf(stack.web.bucket))!;
    const allows = (policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(joined(allows[0]!.Condition.StringEquals['AWS:SourceArn'])).toContain(`:distribution/\${${idOf(stack.web.distribution)}}`);
  });

  it('serves it by CloudFront: origin access control, HTTPS only, GET and HEAD, index.html at the root', () => {
    const config = resources[idOf(stack.web.distribution)]!.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'https-only', AllowedMethods: ['GET', 'HEAD'], Compress: true });
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } });
    template.hasOutput('*', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }), Description: Match.stringLikeRegexp('The web app') });
  });

  it('answers every view’s URL with index.html, and leaves files (and config.json) alone', () => {
    const fn = Object.values(resources).find((r) => r.Type === 'AWS::CloudFront::Function')!;
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const config = resources[idOf(stack.web.distribution)]!.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
    const route = (uri: string) => (runInNewContext(`${fn.Properties.FunctionCode}; handler(event)`, { event: { request: { uri } } }) as { uri: string }).uri;
    expect(fn.Properties.FunctionCode).toBe(SPA_ROUTES_FUNCTION);
    expect(route('/')).toBe('/index.html');
    expect(route('/clips/frontdoor-20250301T100000Z-ab12')).toBe('/index.html');
    expect(route('/cameras/porch/settings')).toBe('/index.html');
    expect(route('/assets/index-1a2b3c.js')).toBe('/assets/index-1a2b3c.js');
    expect(route('/config.json')).toBe('/config.json');
    expect(route('/favicon.svg')).toBe('/favicon.svg');
  });

  it('sends a Content-Security-Policy (and HSTS, nosniff, DENY, no-referrer) admitting only the API, the region’s S3 and Cognito', () => {
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy')!.Properties.ResponseHeadersPolicyConfig;
    const headers = policy.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const csp = joined(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    const api = `https://\${${idOf(stack.api.restApi)}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`;
    const sources = `${api} https://*.s3.\${AWS::Region}.\${AWS::URLSuffix} https://cognito-idp.\${AWS::Region}.\${AWS::URLSuffix}`;
    expect(csp).toContain(`connect-src 'self' ${sources}`);
    expect(csp).toContain(`media-src 'self' blob: ${sources}`);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(resources[idOf(stack.web.distribution)]!.Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: expect.stringMatching(/^WebSecurityHeaders/) });
  });

  it('deploys the build with a config.json written from the stack’s outputs, and invalidates the page', () => {
    const deployments = Object.values(resources).filter((r) => r.Type === 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => d.Properties.DestinationBucketKeyPrefix === 'assets/')!.Properties;
    expect(assets.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
    const page = deployments.find((d) => d.Properties.DistributionId)!.Properties;
    expect(page.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    expect(page.DistributionPaths).toEqual(['/index.html', '/config.json']);
    expect(page.Prune).toBe(false);
    const markers = JSON.stringify(page.SourceMarkers);
    for (const ref of [idOf(stack.api.restApi), idOf(stack.api.userPool), idOf(stack.api.userPoolClient), 'AWS::Region']) expect(markers).toContain(`"Ref":"${ref}"`);
  });

  it('lets a custom domain’s webOrigin replace the distribution’s origin for CORS and sign-in', () => {
    const custom = synth({ webOrigin: 'https://cams.example.com' });
    custom.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CORS_ORIGINS: 'https://cams.example.com' }) } });
    custom.template.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://cams.example.com/'] });
  });
});
