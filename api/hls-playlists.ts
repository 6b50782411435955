/**
 * HLS playback straight from S3. A master playlist stored in S3 names its variant playlists
 * by relative URI, and each variant names its segments the same way; a presigned URL of the
 * master alone therefore cannot play (the player would fetch the relative URIs unsigned).
 * The API serves the clip's playlists itself, rewritten: in the master, each variant URI
 * points back at the API's playlist route (carrying the same playback token); in a variant,
 * every segment (and `EXT-X-MAP` init segment) URI becomes a presigned S3 URL. Playlists are
 * a few hundred bytes; the bytes of the video come straight from S3.
 *
 * These functions are pure: they take the playlist text and a function for each rewrite.
 */
import { posix } from 'node:path';

const URI_ATTRIBUTE = /URI="([^"]*)"/g;

function isAbsolute(uri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(uri);
}

/**
 * Rewrite every URI of a playlist: plain URI lines and `URI="…"` attributes of tags.
 * `rewrite` receives the URI as written and returns its replacement (or the same string).
 */
export async function rewritePlaylistUris(text: string, rewrite: (uri: string) => Promise<string> | string): Promise<string> {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') {
      out.push(line);
    } else if (trimmed.startsWith('#')) {
      const uris = [...trimmed.matchAll(URI_ATTRIBUTE)].map((m) => m[1]!);
      let rewritten = trimmed;
      for (const uri of uris) rewritten = rewritten.replace(`URI="${uri}"`, `URI="${await rewrite(uri)}"`);
      out.push(rewritten);
    } else {
      out.push(await rewrite(trimmed));
    }
  }
  return out.join('\n');
}

/**
 * Where a relative URI of a playlist at `playlistKey` points, as an S3 key; `undefined` when
 * it is absolute or would leave `confine` (the clip's media prefix).
 */
export function resolvePlaylistUri(playlistKey: string, uri: string, confine: string): string | undefined {
  if (isAbsolute(uri) || uri.startsWith('/')) return undefined;
  const path = uri.split(/[?#]/)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const key = posix.normalize(posix.join(posix.dirname(playlistKey), decoded));
  return key.startsWith(confine) && !key.includes('..') ? key : undefined;
}

/** A playlist file name the playback route serves: one path segment ending in `.m3u8`. */
export const PLAYLIST_NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,150}\.m3u8$/;

/**
 * The master playlist, with each variant (and alternate rendition) playlist that sits beside
 * it pointing at `playlistUrl(name)`. Other URIs are left as written.
 */
export function rewriteMasterPlaylist(text: string, playlistUrl: (name: string) => string): Promise<string> {
  return rewritePlaylistUris(text, (uri) => {
    if (isAbsolute(uri) || uri.includes('/')) return uri;
    const name = uri.split(/[?#]/)[0]!;
    return PLAYLIST_NAME_PATTERN.test(name) ? playlistUrl(name) : uri;
  });
}

/**
 * A variant (media) playlist with every segment URI replaced by `segmentUrl(key)` — the
 * S3 key it resolves to. URIs that resolve outside `confine` are refused.
 */
export function rewriteMediaPlaylist(text: string, playlistKey: string, confine: string, segmentUrl: (key: string) => Promise<string>): Promise<string> {
  return rewritePlaylistUris(text, async (uri) => {
    if (isAbsolute(uri)) return uri;
    const key = resolvePlaylistUri(playlistKey, uri, confine);
    if (!key) throw new Error(`Playlist ${playlistKey} names '${uri}', outside the clip's media; refusing to sign it.`);
    return segmentUrl(key);
  });
}
