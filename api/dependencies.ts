/**
 * What the API needs from its home, injected: in AWS `api/lambda.ts` builds it from the
 * function's environment; locally `camflow up` builds it around the local endpoints.
 */
import type { Context } from 'hono';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApiClients } from './aws-clients.ts';
import type { CameraDefaults } from '../domain/camera-settings.ts';
import type { AlertsSource } from './alerts.ts';
import type { TokenVerifier } from './auth/token-verifier.ts';
import type { LocalIssuer } from './auth/local-issuer.ts';

export interface ApiDependencies {
  /** The catalog table (`CATALOG_TABLE`). */
  tableName: string;
  /** The uploads bucket (raw clips) and the media bucket (renditions, posters, thumbnails). */
  buckets: { uploads: string; media: string };
  /** ARN of the clip workflow state machine; execution ARNs are derived from it and the clip id. */
  stateMachineArn: string;
  /**
   * SDK clients. Default: created at first use with no endpoint configuration, so the
   * standard variables (`AWS_ENDPOINT_URL_*`, `AWS_REGION`, credentials) decide.
   */
  clients?: Partial<ApiClients>;
  /** Verifies bearer tokens (`createTokenVerifier`: Cognito's JWKS in AWS, the local issuer's key set locally). */
  verifier: TokenVerifier;
  /** Alerts that were sent: the outbox locally, the catalog's alert records in AWS. */
  alerts: AlertsSource;
  /** The local issuer: when given, `POST /auth/login` and `/.well-known/jwks.json` are served. */
  localIssuer?: LocalIssuer;
  /** Lifetime of presigned URLs and playback links, in seconds (default 900). */
  presignExpirySeconds?: number;
  /** Origins allowed by CORS (the web app's). Default: none (same-origin and non-browser clients only). */
  corsOrigins?: string[];
  /**
   * The API's public base URL, used in playback links. Default: the request's origin (and,
   * behind API Gateway, its stage). A function receives the Hono context.
   */
  publicBaseUrl?: string | ((c: Context) => string);
  /** Playback link signing key. Default: a random key kept in the catalog table (see playback-token.ts). */
  playbackKey?: () => Promise<Uint8Array>;
  /**
   * Key that signs pagination cursors (api/cursor.ts). Default: derived from the playback key
   * (in AWS); locally derived from the token-signing key.
   */
  cursorKey?: () => Promise<Uint8Array>;
  /** The stack's camera defaults (`DEFAULT_*` variables), as the tasks see them: camera views show the effective settings. Default: none. */
  cameraDefaults?: CameraDefaults;
  /** Powertools logger (default: one named camflow-api). */
  logger?: Logger;
}

export const DEFAULT_PRESIGN_EXPIRY_SECONDS = 900;
