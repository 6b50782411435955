/**
 * What kind of upload a name is, the way cameras use FTP:
 * - `clip`: an accepted extension (`.mp4`, `.jpg`, `.dav`…): spooled and sent to S3;
 * - `temporary`: a name a camera or client writes first and renames when the file is complete
 *   (Axis "use temporary file name", Intellinet "FTP rename", lftp `use-temp-file`, WinSCP):
 *   `.tmp`, `.part`, `.filepart`, a trailing `_` or `~` (`clip.mp4_`), lftp's `.in.` prefix, or no
 *   extension at all. Held in the spool until renamed (see Spool.rename);
 * - `test`: what a camera's "Test" button sends (`test.txt`, `test.jpg`, `ftptest.txt`…), and
 *   any `.txt`: answered with success, logged, never uploaded.
 * Anything else is refused (553).
 */
import { checkExtension, extensionOf, FileNameRefused } from './file-names.ts';

export type UploadKind = 'clip' | 'temporary' | 'test';

const TEMPORARY_SUFFIX = /(\.(tmp|temp|part|partial|filepart|crdownload|upload|uploading|inprogress)|[_~])$/i;
const TEMPORARY_PREFIX = /^\.in\./;
const TEST_STEM = /^(ftp[-_ ]?)?test(ing)?([-_ ]?(ftp|file|image|img|picture|pic|photo|snapshot|snap|upload|\d{1,3}))?$/i;

/** Whether a file name is one a camera writes before renaming it to its final name. */
export function isTemporaryName(name: string): boolean {
  return TEMPORARY_SUFFIX.test(name) || TEMPORARY_PREFIX.test(name) || extensionOf(name) === '';
}

/** Whether a file name is a camera's test upload. */
export function isTestName(name: string, allowed: readonly string[]): boolean {
  const extension = extensionOf(name);
  if (extension === 'txt') return true;
  const stem = extension ? name.slice(0, -(extension.length + 1)) : name;
  return TEST_STEM.test(stem) && (extension === '' || allowed.includes(extension));
}

/** The kind of upload `name` is; throws FileNameRefused (553) for a name the gateway does not take. */
export function classifyUpload(name: string, allowed: readonly string[], options: { tests: boolean } = { tests: true }): UploadKind {
  if (options.tests && isTestName(name, allowed)) return 'test';
  if (isTemporaryName(name)) return 'temporary';
  checkExtension(name, allowed);
  return 'clip';
}

export { FileNameRefused };
