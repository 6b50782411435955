/**
 * What a camera may name: the paths it sends over FTP (confined to its own folder), the
 * extensions the gateway accepts, and the S3 key a received file gets.
 * Pure functions; the FTP file system and the folder watch both use them.
 */

/** FTP reply 553: "Requested action not taken. File name not allowed." */
export class FileNameRefused extends Error {
  override name = 'FileNameRefused';
  readonly ftpCode = 553;
}

const MAX_SEGMENT_LENGTH = 200;
const MAX_DEPTH = 12;

/**
 * Characters refused anywhere in a path: controls (NUL included), the backslash (a Windows
 * separator ftp-srv would turn into `/`), bidirectional overrides and isolates (a name that
 * displays as `clip.mp4` but is `4pm.pilc`), invisible joiners, and characters that look like
 * a slash or a dot.
 */
const REFUSED_CHARS =
  /[\u0000-\u001f\u007f-\u009f\\\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u2024\u2025\u2026\u2044\u2215\u2571\u29f8\u29f9\u3002\ufe52\uff0e\uff0f\uff3c\uff61]|\u0338/u;

function refuseOddCharacters(segment: string): void {
  const odd = REFUSED_CHARS.exec(segment);
  if (odd) {
    const code = odd[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new FileNameRefused(`file name refused: it contains the character U+${code}; use plain letters, digits, '-', '_' and '.'`);
  }
  // Compatibility forms that fold to a separator or a dot-dot (e.g. fullwidth letters are fine,
  // but anything whose NFKC form introduces '/', '\' or '..' is a lookalike).
  const folded = segment.normalize('NFKC');
  if (/[\\/]/.test(folded) || (folded.includes('..') && !segment.includes('..'))) {
    throw new FileNameRefused('file name refused: it contains a character that looks like a slash or a dot');
  }
  if (Buffer.byteLength(segment) > MAX_SEGMENT_LENGTH) throw new FileNameRefused('file name refused: longer than 200 bytes');
}

/**
 * Resolves an FTP path argument against the working directory, inside the camera's folder.
 * `/` is the camera's own folder (like a chroot): `/front/clip.mp4` means
 * `<camera folder>/front/clip.mp4`. Returns the path's segments below the camera's folder.
 * Refuses `..` that would leave the folder, odd characters, and Windows-style paths.
 */
export function resolveCameraPath(cwd: string, requested: string | undefined | null): string[] {
  const path = requested ?? '.';
  if (/^[A-Za-z]:/.test(path)) throw new FileNameRefused('path refused: drive letters are not paths here');
  if (path.startsWith('//')) throw new FileNameRefused('path refused: network paths are not paths here');
  const segments = path.startsWith('/') ? [] : cwd.split('/').filter((s) => s !== '' && s !== '.');
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    refuseOddCharacters(segment);
    if (segment === '..') {
      if (segments.length === 0) throw new FileNameRefused("path refused: '..' would leave your folder");
      segments.pop();
      continue;
    }
    if (segment.trim() === '' || /^\.+$/.test(segment)) throw new FileNameRefused('path refused: a name made of dots or spaces');
    if (segment === '~' || segment.startsWith('~')) throw new FileNameRefused("path refused: '~' is not a folder here");
    segments.push(segment);
  }
  if (segments.length > MAX_DEPTH) throw new FileNameRefused('path refused: folders nested too deep');
  return segments;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Refuses a file whose extension is not in the configured list. */
export function checkExtension(name: string, allowed: readonly string[]): string {
  const extension = extensionOf(name);
  if (!extension || !allowed.includes(extension)) {
    throw new FileNameRefused(`file type refused: '.${extension || '(none)'}' is not accepted; accepted: ${allowed.map((e) => '.' + e).join(' ')}`);
  }
  return extension;
}

/**
 * The name a file gets in its S3 key: the camera's path below its folder, flattened with
 * `_` (Dahua/Amcrest cameras put the time in folders: `2024-03-15/001/jpg/14/30/22[M][0@0][0].jpg`),
 * limited to letters, digits, `.`, `_` and `-`, extension lowercased.
 */
export function keyFileName(segments: readonly string[]): string {
  const last = segments.at(-1) ?? 'file';
  const extension = extensionOf(last);
  const stemParts = [...segments.slice(0, -1), extension ? last.slice(0, last.length - extension.length - 1) : last];
  let stem = stemParts
    .join('_')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '');
  if (!stem) stem = 'file';
  if (stem.length > 150) stem = stem.slice(0, 150);
  return extension ? `${stem}.${extension}` : stem;
}

/** `name.ext` → `name-2.ext`: a different file that arrived under a name already used. */
export function withCollisionSuffix(name: string, n: number): string {
  const extension = extensionOf(name);
  return extension ? `${name.slice(0, -(extension.length + 1))}-${n}.${extension}` : `${name}-${n}`;
}

/** `{camera}/{yyyy}/{mm}/{dd}/{file}`, the date of capture in UTC. */
export function uploadKey(camera: string, capturedAt: Date, fileName: string): string {
  const yyyy = String(capturedAt.getUTCFullYear()).padStart(4, '0');
  const mm = String(capturedAt.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(capturedAt.getUTCDate()).padStart(2, '0');
  return `${camera}/${yyyy}/${mm}/${dd}/${fileName}`;
}

const CONTENT_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
  mov: 'video/quicktime',
  ts: 'video/mp2t',
  webm: 'video/webm',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
};

export function contentTypeFor(name: string): string {
  return CONTENT_TYPES[extensionOf(name)] ?? 'application/octet-stream';
}
