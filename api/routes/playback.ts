/**
 * `GET /clips/{id}/playback/{playlist}`: the clip's HLS playlists, rewritten so a player can
 * play them with no Authorization header — variant URIs point back here with the same signed
 * link, segment URIs are presigned S3 URLs (see hls-playlists.ts). The link itself
 * (`exp`, `sig`) comes from `GET /clips/{id}`, an authenticated call.
 */
import { createRoute } from '@hono/zod-openapi';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getClip } from '../catalog.ts';
import { parseS3Uri, presignObject } from '../clip-objects.ts';
import { ApiError, ERROR_CODES } from '../errors.ts';
import type { ApiApp, ApiContext } from '../context.ts';
import { rewriteMasterPlaylist, rewriteMediaPlaylist } from '../hls-playlists.ts';
import { verifyPlayback } from '../playback-token.ts';
import { PlaylistParams, PlaylistQuery } from '../schemas.ts';
import { errorResponses } from './responses.ts';

function refused(): ApiError {
  return new ApiError(403, ERROR_CODES.playbackLinkInvalid, 'This playback link is invalid or has expired: get a fresh one from GET /clips/{id}.');
}

export function registerPlaybackRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/clips/{id}/playback/{playlist}',
      summary: 'HLS playlists of a clip, for players (signed link from GET /clips/{id}, no bearer token)',
      tags: ['clips', 'playback'],
      request: { params: PlaylistParams, query: PlaylistQuery },
      responses: {
        200: { description: 'An HLS playlist', content: { 'application/vnd.apple.mpegurl': { schema: { type: 'string' } } } },
        ...errorResponses(400, 403, 404),
      },
    }),
    async (c) => {
      const { id, playlist } = c.req.valid('param');
      const token = c.req.valid('query');
      if (!verifyPlayback(await ctx.playbackKey(), id, token, Math.floor(Date.now() / 1000))) throw refused();
      const clip = await getClip(ctx.catalog, id);
      const master = parseS3Uri(clip?.hlsMaster);
      if (!clip || !master || master.bucket !== ctx.deps.buckets.media) {
        throw new ApiError(404, ERROR_CODES.clipNotPlayable, `Clip '${id}' has no HLS rendition (yet): check its status with GET /clips/${id}.`);
      }
      const directory = master.key.slice(0, master.key.lastIndexOf('/') + 1);
      const key = `${directory}${playlist}`;
      let text: string;
      try {
        const object = await ctx.clients.s3.send(new GetObjectCommand({ Bucket: master.bucket, Key: key }));
        text = await object.Body!.transformToString('utf8');
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') throw new ApiError(404, ERROR_CODES.playlistNotFound, `Clip '${id}' has no playlist '${playlist}'.`);
        throw error;
      }
      const query = `exp=${token.exp}&sig=${token.sig}`;
      const body =
        key === master.key
          ? await rewriteMasterPlaylist(text, (name) => `${encodeURIComponent(name)}?${query}`)
          : await rewriteMediaPlaylist(text, key, directory, (segmentKey) => presignObject(ctx.clients.s3, { bucket: master.bucket, key: segmentKey }, ctx.presignExpirySeconds));
      return c.body(body, 200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'private, no-store' });
    },
  );
}
