/** Clips: lists by day or status, one clip with playback URLs, evidence hold, delete. */
import { createRoute, z } from '@hono/zod-openapi';
import type { ClipRecord } from '../../domain/clip-contract.ts';
import { beginClipRemoval, ClipStateConflict, getCamera, getClip, listDayClips, listStatusClips, recordHold, removeClipRecord } from '../catalog.ts';
import { deleteObjects, listClipObjects, listThumbnails, parseS3Uri, presignObject, setLegalHolds, tagRetentionClass, type ObjectLocation } from '../clip-objects.ts';
import { ApiError, ERROR_CODES, invalid, notFound } from '../errors.ts';
import { requireRole } from '../auth/middleware.ts';
import type { ApiApp, ApiContext } from '../context.ts';
import { signPlayback } from '../playback-token.ts';
import { ClipDetailSchema, ClipPageSchema, ClipParams, ClipsQuery, HoldSchema } from '../schemas.ts';
import { clipSummary } from '../views.ts';
import { cameraSettings } from '../../domain/camera-settings.ts';
import { errorResponses, json } from './responses.ts';

/** An output location the API may sign: only objects in the camflow buckets. */
function ownedLocation(ctx: ApiContext, uri: string | undefined): ObjectLocation | undefined {
  const location = parseS3Uri(uri);
  if (!location) return undefined;
  return location.bucket === ctx.deps.buckets.media || location.bucket === ctx.deps.buckets.uploads ? location : undefined;
}

/** The clip's own version of its upload, when it lies in the uploads bucket. */
function uploadSourceOf(ctx: ApiContext, clip: ClipRecord): (ObjectLocation & { versionId?: string }) | undefined {
  return clip.source?.bucket === ctx.deps.buckets.uploads ? { bucket: clip.source.bucket, key: clip.source.key, versionId: clip.source.versionId } : undefined;
}

/** A clip's poster: for a still, the clip's own version of its upload, not whatever was written to its key since. */
function posterLocationOf(ctx: ApiContext, clip: ClipRecord): (ObjectLocation & { versionId?: string }) | undefined {
  const source = uploadSourceOf(ctx, clip);
  const poster = ownedLocation(ctx, clip.poster);
  return poster && source && poster.bucket === source.bucket && poster.key === source.key ? source : poster;
}

/** Clip summaries for a list, each with a presigned poster URL (`posterUrl`, expiring like playback links). */
export function clipSummariesWithPosters(ctx: ApiContext, clips: ClipRecord[]) {
  return Promise.all(
    clips.map(async (clip) => {
      const poster = posterLocationOf(ctx, clip);
      return { ...clipSummary(clip), ...(poster ? { posterUrl: await presignObject(ctx.clients.s3, poster, ctx.presignExpirySeconds) } : {}) };
    }),
  );
}

export async function playbackFor(ctx: ApiContext, clip: ClipRecord, baseUrl: string) {
  const expiresIn = ctx.presignExpirySeconds;
  const exp = Math.floor(Date.now() / 1000) + expiresIn;
  const s3 = ctx.clients.s3;
  const sign = (location: (ObjectLocation & { versionId?: string }) | undefined) => (location ? presignObject(s3, location, expiresIn) : Promise.resolve(undefined));
  const master = ownedLocation(ctx, clip.hlsMaster);
  const thumbnailsPrefix = ownedLocation(ctx, clip.thumbnails?.prefix);
  const sprite = clip.sprite ? ownedLocation(ctx, clip.sprite.uri) : undefined;
  const source = uploadSourceOf(ctx, clip);
  const posterVersion = posterLocationOf(ctx, clip);

  const [hlsMaster, mp4, poster, sourceUrl, spriteUrl, thumbnailObjects] = await Promise.all([
    sign(master),
    sign(ownedLocation(ctx, clip.mp4)),
    sign(posterVersion),
    sign(source),
    sign(sprite),
    thumbnailsPrefix ? listThumbnails(s3, thumbnailsPrefix) : Promise.resolve([]),
  ]);
  let hls: string | undefined;
  if (master) {
    const token = signPlayback(await ctx.playbackKey(), clip.clipId, exp);
    const name = encodeURIComponent(master.key.slice(master.key.lastIndexOf('/') + 1));
    hls = `${baseUrl}/clips/${encodeURIComponent(clip.clipId)}/playback/${name}?exp=${token.exp}&sig=${token.sig}`;
  }
  const interval = clip.thumbnails?.intervalSeconds ?? 0;
  const thumbnails = await Promise.all(thumbnailObjects.map(async (o, i) => ({ atSeconds: i * interval, url: await presignObject(s3, o, expiresIn) })));
  return {
    expiresAt: new Date(exp * 1000).toISOString(),
    ...(hls ? { hls } : {}),
    ...(hlsMaster ? { hlsMaster } : {}),
    ...(mp4 ? { mp4 } : {}),
    ...(poster ? { poster } : {}),
    ...(thumbnails.length ? { thumbnails } : {}),
    ...(spriteUrl && clip.sprite ? { scrub: scrubOf(clip.sprite, spriteUrl) } : {}),
    ...(sourceUrl ? { source: sourceUrl } : {}),
  };
}

/** What the app needs to scrub with a sprite: its URL, grid and the time of each thumbnail. */
export function scrubOf(sprite: NonNullable<ClipRecord['sprite']>, spriteUrl: string) {
  const count = Math.min(sprite.count, sprite.columns * sprite.rows);
  return {
    spriteUrl,
    columns: sprite.columns,
    rows: sprite.rows,
    tileWidth: sprite.tileWidth,
    tileHeight: sprite.tileHeight,
    times: Array.from({ length: count }, (_, i) => i * sprite.intervalSeconds),
  };
}

async function requireClip(ctx: ApiContext, clipId: string): Promise<ClipRecord & { deletingSince?: string }> {
  const clip = await getClip(ctx.catalog, clipId);
  if (!clip) throw notFound.clip(clipId);
  return clip;
}

export function registerClipRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/clips',
      summary: "A day's clips across cameras, or the clips in a workflow status",
      description: 'Give `day` or `status` (not both). `camera` narrows either list to one camera.',
      tags: ['clips'],
      security: [{ bearer: [] }],
      request: { query: ClipsQuery },
      responses: { 200: json(ClipPageSchema, 'One page of clips, newest first'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const { day, status, camera, limit, cursor } = c.req.valid('query');
      if (day && status) throw invalid('status', 'give either day or status, not both');
      if (!day && !status) throw invalid('day', 'give a day (YYYY-MM-DD) or a status (FAILED, QUARANTINED, PROCESSING)');
      const scope = JSON.stringify([day ?? null, status ?? null, camera ?? null]);
      const after = await ctx.cursors.open('clips', scope, cursor);
      const page = day ? await listDayClips(ctx.catalog, day, { camera, limit, after }) : await listStatusClips(ctx.catalog, status!, { camera, limit, after });
      return c.json({ clips: await clipSummariesWithPosters(ctx, page.items), cursor: await ctx.cursors.seal('clips', scope, page.next) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/clips/{id}',
      summary: 'One clip: metadata, renditions, poster, thumbnails and short-lived playback URLs',
      description:
        '`playback.hls` is the master playlist to hand to a player: the API serves the playlists (signed link, no Authorization header needed) and every segment URL in them is presigned, so the video bytes come straight from S3. `playback.mp4`, `poster` and `scrub.spriteUrl` (the scrub thumbnails in one JPEG; `thumbnails` for clips rendered before the sprite) are presigned S3 URLs. All expire at `playback.expiresAt`.',
      tags: ['clips'],
      security: [{ bearer: [] }],
      request: { params: ClipParams },
      responses: { 200: json(ClipDetailSchema, 'The clip'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const clip = await requireClip(ctx, id);
      const playback = await playbackFor(ctx, clip, ctx.baseUrl(c));
      return c.json(
        {
          ...clipSummary(clip),
          executionName: clip.executionName,
          source: clip.source,
          renditions: clip.renditions,
          hlsMaster: clip.hlsMaster,
          mp4: clip.mp4,
          thumbnails: clip.thumbnails,
          sprite: clip.sprite,
          cost: clip.cost,
          quarantine: clip.quarantine,
          failure: clip.failure,
          playback,
        } as z.infer<typeof ClipDetailSchema>,
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/clips/{id}/hold',
      summary: 'Put a clip on evidence hold (admin)',
      description:
        "Puts every object version of the clip (its raw upload and all outputs) under an S3 Object Lock legal hold — no one, not even an admin's delete or an overwrite, can remove them while it holds — tags them with retention class `hold`, which lifecycle rules never expire, and marks the clip held.",
      tags: ['clips', 'retention'],
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: { params: ClipParams },
      responses: { 200: json(HoldSchema, 'The clip is held'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const clip = await requireClip(ctx, id);
      if (clip.deletingSince) throw new ApiError(409, ERROR_CODES.clipBeingDeleted, `Clip '${id}' is being deleted; it cannot be held.`);
      // Held in the catalog first (refused once a delete has begun), then every version locked and tagged.
      try {
        if (!(await recordHold(ctx.catalog, id, true, 'hold'))) throw notFound.clip(id);
      } catch (error) {
        if (error instanceof ClipStateConflict) throw new ApiError(409, ERROR_CODES.clipBeingDeleted, error.message);
        throw error;
      }
      const objects = await listClipObjects(ctx.clients.s3, clip, ctx.deps.buckets);
      await setLegalHolds(ctx.clients.s3, objects, true);
      await tagRetentionClass(ctx.clients.s3, objects, 'hold');
      ctx.logger.info('clip held', { clipId: id, objects: objects.length, by: c.get('principal').username });
      return c.json({ clipId: id, held: true, retentionClass: 'hold', objectsTagged: objects.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/clips/{id}/hold',
      summary: 'Release an evidence hold (admin)',
      description: "Lifts the legal hold from every object version of the clip and restores the camera's retention class on them.",
      tags: ['clips', 'retention'],
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: { params: ClipParams },
      responses: { 200: json(HoldSchema, 'The hold is released'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const clip = await requireClip(ctx, id);
      const camera = await getCamera(ctx.catalog, clip.camera);
      // The camera's class (its record, else the stack default), as "Apply retention" computes it.
      const cameraClass = cameraSettings(clip.camera, camera, ctx.deps.cameraDefaults ?? {}).retentionClass;
      const retentionClass = cameraClass === 'hold' ? 'standard' : cameraClass;
      const objects = await listClipObjects(ctx.clients.s3, clip, ctx.deps.buckets);
      await tagRetentionClass(ctx.clients.s3, objects, retentionClass);
      await setLegalHolds(ctx.clients.s3, objects, false);
      if (!(await recordHold(ctx.catalog, id, false, retentionClass))) throw notFound.clip(id);
      ctx.logger.info('clip hold released', { clipId: id, retentionClass, objects: objects.length, by: c.get('principal').username });
      return c.json({ clipId: id, held: false, retentionClass, objectsTagged: objects.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/clips/{id}',
      summary: 'Delete a clip: its outputs, raw upload and catalog item (admin)',
      description: 'Refused with 409 while the clip is on evidence hold.',
      tags: ['clips'],
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: { params: ClipParams },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const clip = await requireClip(ctx, id);
      if (clip.held) {
        throw new ApiError(409, ERROR_CODES.clipHeld, `Clip '${id}' is on evidence hold: release it (DELETE /clips/${id}/hold) before deleting it.`);
      }
      // Marked in the catalog first (refused while held; no hold accepted after), then objects, then the item.
      try {
        if (!(await beginClipRemoval(ctx.catalog, id))) throw notFound.clip(id);
      } catch (error) {
        if (error instanceof ClipStateConflict) throw new ApiError(409, ERROR_CODES.clipHeld, error.message);
        throw error;
      }
      const objects = await listClipObjects(ctx.clients.s3, clip, ctx.deps.buckets);
      try {
        await deleteObjects(ctx.clients.s3, objects);
      } catch (error) {
        // S3 Object Lock has the last word: a version under legal hold is never deleted.
        if ((error as Error).name === 'AccessDenied') {
          throw new ApiError(409, ERROR_CODES.clipHeld, `Clip '${id}' has objects under an S3 legal hold; release the hold (DELETE /clips/${id}/hold) first. ${(error as Error).message}`);
        }
        throw error;
      }
      await removeClipRecord(ctx.catalog, clip);
      ctx.logger.info('clip deleted', { clipId: id, objects: objects.length, by: c.get('principal').username });
      return c.body(null, 204);
    },
  );
}
