/**
 * Errors the API answers with. Every error response is JSON `{ code, message, field? }`;
 * `code` is stable (clients branch on it), `message` says what to do.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_CODES = {
  invalidRequest: 'INVALID_REQUEST',
  invalidCursor: 'INVALID_CURSOR',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  badCredentials: 'BAD_CREDENTIALS',
  tooManyAttempts: 'TOO_MANY_ATTEMPTS',
  bodyTooLarge: 'BODY_TOO_LARGE',
  clipNotFound: 'CLIP_NOT_FOUND',
  cameraNotFound: 'CAMERA_NOT_FOUND',
  executionNotFound: 'EXECUTION_NOT_FOUND',
  routeNotFound: 'ROUTE_NOT_FOUND',
  playlistNotFound: 'PLAYLIST_NOT_FOUND',
  alertNotDecided: 'ALERT_NOT_DECIDED',
  clipHeld: 'CLIP_HELD',
  clipBeingDeleted: 'CLIP_BEING_DELETED',
  clipNotPlayable: 'CLIP_NOT_PLAYABLE',
  notRedrivable: 'EXECUTION_NOT_REDRIVABLE',
  playbackLinkInvalid: 'PLAYBACK_LINK_INVALID',
  upstreamUnavailable: 'UPSTREAM_UNAVAILABLE',
  internal: 'INTERNAL_ERROR',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
}

/** An error that maps to one HTTP answer. Thrown anywhere below a route; the app renders it. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** Headers to answer with (e.g. Retry-After on a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message };
  }
}

export const notFound = {
  clip: (clipId: string) => new ApiError(404, ERROR_CODES.clipNotFound, `No clip '${clipId}' in the catalog. List clips with GET /cameras/{id}/clips or GET /clips?day=YYYY-MM-DD.`),
  camera: (camera: string) => new ApiError(404, ERROR_CODES.cameraNotFound, `No camera '${camera}'. List cameras with GET /cameras.`),
  execution: (name: string) => new ApiError(404, ERROR_CODES.executionNotFound, `No workflow execution '${name}'. List executions with GET /executions.`),
};

export function invalid(field: string, reason: string): ApiError {
  return new ApiError(400, ERROR_CODES.invalidRequest, `${field}: ${reason}`, field);
}
