import { describe, expect, it } from 'vitest';
import { checkExtension, contentTypeFor, FileNameRefused, keyFileName, resolveCameraPath, uploadKey, withCollisionSuffix } from './file-names.ts';

describe('resolveCameraPath: a camera stays in its own folder', () => {
  it('resolves relative and absolute paths inside the folder (/ is the camera folder)', () => {
    expect(resolveCameraPath('/', 'clip.mp4')).toEqual(['clip.mp4']);
    expect(resolveCameraPath('/2024-03-15/001', 'jpg/14/30/22[M][0@0][0].jpg')).toEqual(['2024-03-15', '001', 'jpg', '14', '30', '22[M][0@0][0].jpg']);
    expect(resolveCameraPath('/deep/er', '/tmp/x.jpg')).toEqual(['tmp', 'x.jpg']);
    expect(resolveCameraPath('/a/b', '../c.mp4')).toEqual(['a', 'c.mp4']);
    expect(resolveCameraPath('/a', './b/./c.mp4')).toEqual(['a', 'b', 'c.mp4']);
    expect(resolveCameraPath('/', undefined)).toEqual([]);
  });

  it.each([
    ['../x.mp4', '/'],
    ['../../etc/passwd', '/'],
    ['a/../../x.mp4', '/'],
    ['/../garage/x.mp4', '/'],
    ['../../../x.mp4', '/a/b'],
  ])('refuses %s from %s: it would leave the folder', (path, cwd) => {
    expect(() => resolveCameraPath(cwd, path)).toThrow(FileNameRefused);
    expect(() => resolveCameraPath(cwd, path)).toThrow(/leave your folder/);
  });

  it.each([
    ['NUL', 'clip\u0000.mp4'],
    ['a control character', 'clip\u0007.mp4'],
    ['right-to-left override', 'clip\u202Egpj.mp4'],
    ['left-to-right isolate', '\u2066clip.mp4'],
    ['zero-width space', 'cl\u200Bip.mp4'],
    ['byte-order mark', '\uFEFFclip.mp4'],
    ['fullwidth solidus', '..\uFF0Fetc\uFF0Fx.jpg'],
    ['fullwidth reverse solidus', '..\uFF3Cx.jpg'],
    ['division slash', '..\u2215x.jpg'],
    ['fraction slash', 'a\u2044b.jpg'],
    ['one-dot leader', '\u2024\u2024/x.jpg'],
    ['fullwidth full stop', '\uFF0E\uFF0E/x.jpg'],
    ['backslash', '..\\..\\x.jpg'],
  ])('refuses %s', (_what, path) => {
    expect(() => resolveCameraPath('/', path)).toThrow(FileNameRefused);
  });

  it('refuses Windows and network paths, dot-only and ~ names', () => {
    for (const path of ['C:\\x.jpg', 'c:/x.jpg', '//server/share/x.jpg', '...', ' ', '~/x.jpg', '~root']) {
      expect(() => resolveCameraPath('/', path), path).toThrow(FileNameRefused);
    }
  });

  it('accepts ordinary non-ASCII names (they are sanitized in the key, not refused)', () => {
    expect(resolveCameraPath('/', 'Café_porte.jpg')).toEqual(['Café_porte.jpg']);
  });
});

describe('checkExtension', () => {
  const allowed = ['mp4', 'mkv', 'avi', 'mov', 'jpg', 'jpeg'];
  it('accepts the configured extensions in any case', () => {
    expect(checkExtension('a.MP4', allowed)).toBe('mp4');
    expect(checkExtension('a.b.jpeg', allowed)).toBe('jpeg');
  });
  it('refuses others, and names without one', () => {
    for (const name of ['a.txt', 'a.mp4.exe', 'mp4', '.jpg', 'a.', 'a.php']) {
      expect(() => checkExtension(name, allowed), name).toThrow(/file type refused/);
    }
  });
});

describe('S3 keys', () => {
  it('flattens the camera path and keeps only safe characters', () => {
    expect(keyFileName(['FrontDoor_00_20240315143022.mp4'])).toBe('FrontDoor_00_20240315143022.mp4');
    expect(keyFileName(['2024-03-15', '001', 'jpg', '14', '30', '22[M][0@0][0].jpg'])).toBe('2024-03-15_001_jpg_14_30_22_M_0_0_0.jpg');
    expect(keyFileName(['Café porte.JPG'])).toBe('Cafe_porte.jpg');
    expect(keyFileName(['日本.mp4'])).toBe('file.mp4');
    expect(keyFileName(['.hidden.mp4'])).toBe('hidden.mp4');
  });

  it('is {camera}/{yyyy}/{mm}/{dd}/{file}, the capture date in UTC', () => {
    expect(uploadKey('front-door', new Date('2024-03-15T23:59:59.999Z'), 'a.mp4')).toBe('front-door/2024/03/15/a.mp4');
    expect(uploadKey('garage', new Date('2024-01-01T00:00:00Z'), 'b.jpg')).toBe('garage/2024/01/01/b.jpg');
  });

  it('gives a different file under a used name a suffix', () => {
    expect(withCollisionSuffix('snapshot.jpg', 2)).toBe('snapshot-2.jpg');
    expect(withCollisionSuffix('noext', 3)).toBe('noext-3');
  });

  it('knows the content types of clips and stills', () => {
    expect(contentTypeFor('a.mp4')).toBe('video/mp4');
    expect(contentTypeFor('a.MKV')).toBe('video/x-matroska');
    expect(contentTypeFor('a.avi')).toBe('video/x-msvideo');
    expect(contentTypeFor('a.mov')).toBe('video/quicktime');
    expect(contentTypeFor('a.jpeg')).toBe('image/jpeg');
    expect(contentTypeFor('a.dav')).toBe('application/octet-stream');
  });
});
