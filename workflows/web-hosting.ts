/**
 * `CamflowWebHosting`: the web app in AWS — its built files in a private bucket, served by a
 * CloudFront distribution through origin access control (the bucket is never public), HTTPS
 * only, with a response-headers policy (Content-Security-Policy of web/content-security-policy.ts,
 * HSTS, nosniff, no framing, no referrer) and every view's URL answered by index.html (a
 * CloudFront Function; a missing file stays a 404). At deploy, the build goes up with a
 * `config.json` written from the stack's outputs (API URL, user pool, app client, region), so
 * one build serves any stack.
 *
 * The build is made at synthesis when the stack is bundled (`cdk synth`, `cdk deploy`):
 * `npm run web:build` runs (it skips a build that is current). A synthesis that skips bundling
 * (the template tests) builds nothing and needs no `web/dist`.
 *
 * ```ts
 * const web = new CamflowWebHosting(this, 'Web', { accessLogs });
 * const api = new CamflowApi(this, 'Api', { ..., webOrigin: web.origin });
 * web.deploy(api);
 * ```
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, CfnOutput, DockerImage, Duration, Lazy, Stack, type ILocalBundling } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { CamflowApi } from './api-construct.ts';
import { contentSecurityPolicy } from '../web/content-security-policy.ts';
import { acknowledge, rendered } from './nag.ts';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WEB_ROOT = join(PROJECT_ROOT, 'web');

/**
 * The viewer-request function: a path with no file extension is a view of the app
 * (`/clips/abc`), answered with index.html; files (`/assets/index-1a2b.js`) are served as they are.
 */
export const SPA_ROUTES_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export interface CamflowWebHostingProps {
  /** The stack's access-log bucket: the web bucket's access logs go there (prefix `web/`). */
  readonly accessLogs: s3.IBucket;
  /** The directory `npm run web:build` writes. Default web/dist. */
  readonly buildDirectory?: string;
}

export class CamflowWebHosting extends Construct {
  /** The app's files (private: CloudFront reads them through origin access control). */
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://{id}.cloudfront.net`: the origin the API and the media bucket admit by CORS. */
  readonly origin: string;
  private readonly buildDirectory: string;
  private connect: string[] = [];

  constructor(scope: Construct, id: string, props: CamflowWebHostingProps) {
    super(scope, id);
    this.buildDirectory = props.buildDirectory ?? join(WEB_ROOT, 'dist');
    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'web/',
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'camflow web app: CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        // Filled in by deploy(): the API's origin is known once the API exists.
        contentSecurityPolicy: { contentSecurityPolicy: Lazy.string({ produce: () => contentSecurityPolicy(this.connect) }), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const routes = new cloudfront.Function(this, 'Routes', {
      comment: 'camflow: a view URL answers index.html',
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTES_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'camflow web app',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: routes, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    acknowledge(this.distribution, [
      { id: 'AwsSolutions-CFR1', reason: 'Households watch their cameras from wherever they travel: no country is blocked.' },
      { id: 'AwsSolutions-CFR2', reason: 'Static files only, behind Cognito-protected API calls; a WAF web ACL costs more than the household plan allows.' },
      { id: 'AwsSolutions-CFR3', reason: 'Standard logs need an ACL-enabled bucket and every bucket here disables ACLs; the bucket’s own access logs record every read.' },
      { id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate has a security policy CloudFront fixes; the stack adds no custom domain or certificate.' },
    ]);
    new CfnOutput(this, 'WebAppUrl', { value: `${this.origin}/`, description: 'The web app (sign in with a user of the Cognito user pool)' });
  }

  /**
   * Deploys the built app with its `config.json` (from `api`'s outputs), sets the CSP's
   * sources (the API, the media bucket's host, Cognito), and invalidates what must not be
   * served stale (index.html, config.json).
   */
  deploy(api: CamflowApi): void {
    const stack = Stack.of(this);
    this.connect = [
      `https://${api.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
      // Presigned media links: https://{bucket}.s3.{region}.amazonaws.com/… (the bucket's name is not
      // used here: the bucket's CORS rule names this distribution, which would make a cycle).
      `https://*.s3.${stack.region}.${stack.urlSuffix}`,
      `https://cognito-idp.${stack.region}.${stack.urlSuffix}`,
    ];
    const logGroup = new logs.LogGroup(this, 'DeployLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'DeployRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'camflow web app deployment' });
    logGroup.grantWrite(role);
    const build = this.built();
    const deployment = (id: string, sources: s3deploy.ISource[], options: Partial<s3deploy.BucketDeploymentProps>) =>
      new s3deploy.BucketDeployment(this, id, { destinationBucket: this.bucket, sources, role, logGroup, memoryLimit: 256, prune: false, ...options });
    // Hashed files first (kept a year; older ones stay for tabs still open on an older index.html) …
    const assets = deployment('Assets', [build('assets')], { destinationKeyPrefix: 'assets/', cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')] });
    // … then the page and its config, checked on every load.
    const page = deployment(
      'Page',
      [
        build('.', ['assets', '.source-hash']),
        s3deploy.Source.jsonData('config.json', { apiUrl: api.url, userPoolId: api.userPool.userPoolId, userPoolClientId: api.userPoolClient.userPoolClientId, region: stack.region }),
      ],
      { cacheControl: [s3deploy.CacheControl.noCache()], distribution: this.distribution, distributionPaths: ['/index.html', '/config.json'] },
    );
    page.node.addDependency(assets);
    acknowledge(role, [
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: 'The CDK deployment function copies the staged build: object-level reads of its asset objects.' },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: 'The CDK deployment function reads the staging and web buckets’ locations.' },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: 'The CDK deployment function lists what it syncs.' },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: 'The CDK deployment function replaces the web app’s files in its own bucket only.' },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: 'The CDK deployment function aborts its own failed multipart uploads.' },
      { id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/*]`, reason: 'The web app’s files are every object of its own bucket.' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'CloudFront invalidations have no resource-level scope.' },
      {
        // As cdk-nag prints it: a pseudo parameter where the stack's account or region is not known at synthesis.
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${rendered(stack.account, '<AWS::AccountId>')}-${rendered(stack.region, '<AWS::Region>')}/*]`,
        reason: 'The CDK deployment function reads the staged build from the bootstrap assets bucket, under keys CDK chooses.',
      },
    ]);
    // The function CDK provides for every BucketDeployment of the stack (one per memory size).
    for (const child of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      acknowledge(child, [{ id: 'AwsSolutions-L1', reason: 'CDK’s BucketDeployment function: its runtime is chosen by aws-cdk-lib and moves with it.' }]);
    }
  }

  /** A part of the build as a deployment source; built by `npm run web:build` when the stack is bundled. */
  private built(): (part: string, exclude?: string[]) => s3deploy.ISource {
    const buildDirectory = this.buildDirectory;
    let builtOnce = false;
    return (part, exclude) => {
      const local: ILocalBundling = {
        tryBundle(outputDir) {
          if (!builtOnce)
            execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(PROJECT_ROOT, 'runtime', 'web-build.ts')], {
              cwd: PROJECT_ROOT,
              stdio: ['ignore', 'ignore', 'inherit'],
            });
          builtOnce = true;
          const from = join(buildDirectory, part);
          for (const name of readdirSync(from)) if (!(exclude ?? []).includes(name)) cpSync(join(from, name), join(outputDir, name), { recursive: true });
          return true;
        },
      };
      return s3deploy.Source.asset(WEB_ROOT, {
        exclude: ['dist', 'node_modules'],
        assetHashType: AssetHashType.OUTPUT,
        // `environment` only tells the two parts apart (CDK caches assets by their options).
        bundling: { image: DockerImage.fromRegistry('camflow/never-pulled'), local, environment: { CAMFLOW_WEB_PART: part } },
      });
    };
  }
}
