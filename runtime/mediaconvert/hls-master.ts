/**
 * The HLS multivariant ("master") playlist, written by the engine rather than by ffmpeg
 * (ffmpeg's own needs `var_stream_map`). Pure.
 */

export interface VariantPlaylist {
  /** EXTINF durations in seconds, in order; `bytes` and `offset` when the segment is a byte range (#EXT-X-BYTERANGE). */
  segments: Array<{ uri: string; seconds: number; bytes?: number; offset?: number }>;
  targetDuration?: number;
  ended: boolean;
}

/** Reads a media playlist's segments (what ffmpeg's HLS muxer writes). */
export function readVariantPlaylist(text: string): VariantPlaylist {
  const segments: VariantPlaylist['segments'] = [];
  let pending: number | undefined;
  let range: { bytes: number; offset?: number } | undefined;
  const nextOffset = new Map<string, number>();
  let targetDuration: number | undefined;
  let ended = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) pending = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line.startsWith('#EXT-X-BYTERANGE:')) {
      // n[@o]: n bytes from offset o, or from the end of the previous range of the same file.
      const [bytes, offset] = line.slice('#EXT-X-BYTERANGE:'.length).split('@');
      range = { bytes: Number(bytes), ...(offset !== undefined ? { offset: Number(offset) } : {}) };
    } else if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice('#EXT-X-TARGETDURATION:'.length));
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line && !line.startsWith('#') && pending !== undefined) {
      if (range) {
        const offset = range.offset ?? nextOffset.get(line) ?? 0;
        segments.push({ uri: line, seconds: pending, bytes: range.bytes, offset });
        nextOffset.set(line, offset + range.bytes);
      } else {
        segments.push({ uri: line, seconds: pending });
      }
      pending = undefined;
      range = undefined;
    }
  }
  return { segments, ...(targetDuration !== undefined ? { targetDuration } : {}), ended };
}

/**
 * BANDWIDTH (peak) and AVERAGE-BANDWIDTH of a rendition from its segments' sizes, as RFC 8216
 * §4.3.4.2 defines them: the peak is the largest segment bit rate, the average the total
 * bits over the total duration. A last segment shorter than half the target duration is
 * left out of the peak: a fraction of a second that starts with an IDR frame would announce
 * a bit rate the rendition never sustains, and players would skip it.
 */
export function renditionBandwidth(segments: Array<{ seconds: number; bytes: number }>, targetDuration: number): { peak: number; average: number } {
  if (segments.length === 0) return { peak: 0, average: 0 };
  const totalBits = segments.reduce((sum, s) => sum + s.bytes * 8, 0);
  const totalSeconds = segments.reduce((sum, s) => sum + s.seconds, 0);
  const last = segments[segments.length - 1]!;
  const counted = segments.length > 1 && last.seconds < targetDuration / 2 ? segments.slice(0, -1) : segments;
  const peak = Math.max(...counted.map((s) => (s.seconds > 0 ? (s.bytes * 8) / s.seconds : 0)));
  return { peak: Math.ceil(peak), average: Math.ceil(totalSeconds > 0 ? totalBits / totalSeconds : 0) };
}

export interface MasterEntry {
  uri: string;
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  /** RFC 6381 codec strings, video first. */
  codecs: string[];
  frameRate?: number;
}

/** An image (trick-play) rendition: the image playlist, the tile image's size and its bit rate. */
export interface ImageStreamEntry {
  uri: string;
  bandwidth: number;
  width: number;
  height: number;
}

/**
 * The image playlist of a sprite (Image Media Playlist 0.4, time-based, as MediaConvert and
 * Roku use it): one tile image covering the clip, `LAYOUT` columns × rows thumbnails of
 * `RESOLUTION`, each lasting `DURATION` seconds.
 */
export function writeImagePlaylist(sprite: { image: string; thumbnail: { width: number; height: number }; columns: number; rows: number; intervalSeconds: number }, clipSeconds: number): string {
  const seconds = Math.max(sprite.intervalSeconds, clipSeconds);
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${Math.ceil(seconds)}`,
    '#EXT-X-MEDIA-SEQUENCE:1',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-IMAGES-ONLY',
    `#EXTINF:${seconds.toFixed(3)},`,
    `#EXT-X-TILES:RESOLUTION=${sprite.thumbnail.width}x${sprite.thumbnail.height},LAYOUT=${sprite.columns}x${sprite.rows},DURATION=${sprite.intervalSeconds.toFixed(3)}`,
    sprite.image,
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}

/** The multivariant playlist: one EXT-X-STREAM-INF per rendition, in the job's order, then the image renditions. */
export function writeMasterPlaylist(entries: MasterEntry[], images: ImageStreamEntry[] = []): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const entry of entries) {
    const attributes = [
      `BANDWIDTH=${entry.bandwidth}`,
      `AVERAGE-BANDWIDTH=${entry.averageBandwidth}`,
      `CODECS="${entry.codecs.join(',')}"`,
      `RESOLUTION=${entry.width}x${entry.height}`,
      ...(entry.frameRate ? [`FRAME-RATE=${entry.frameRate.toFixed(3)}`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, entry.uri);
  }
  for (const image of images) lines.push(`#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=${image.bandwidth},RESOLUTION=${image.width}x${image.height},CODECS="jpeg",URI="${image.uri}"`);
  return `${lines.join('\n')}\n`;
}
