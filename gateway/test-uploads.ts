/**
 * A camera's test uploads (the "Test" button of its FTP settings): received and answered with
 * success (226), logged, never written to the spool nor sent to S3 — a test picture must not
 * run the clip workflow as if it were motion. The gateway remembers each one's name, size and
 * time for a while, so SIZE, MDTM, LIST and DELE of it work as the camera expects.
 */
import { Writable } from 'node:stream';
import type { CameraFileInfo } from './spool.ts';

/** A test upload past this size is cut (552): tests are small text files or one picture. */
export const TEST_UPLOAD_MAX_BYTES = 16 * 1024 * 1024;
/** How long a test upload is remembered. */
const REMEMBER_MS = 60 * 60_000;
/** Test uploads remembered per camera at most. */
const MAX_PER_CAMERA = 50;

/** FTP reply 552 for a test upload larger than TEST_UPLOAD_MAX_BYTES. */
export class TestUploadTooLarge extends Error {
  override name = 'TestUploadTooLarge';
  readonly ftpCode = 552;
}

export class TestUploads {
  private readonly byCamera = new Map<string, Map<string, CameraFileInfo>>();

  private of(camera: string): Map<string, CameraFileInfo> {
    let files = this.byCamera.get(camera);
    if (!files) this.byCamera.set(camera, (files = new Map<string, CameraFileInfo>()));
    const horizon = Date.now() - REMEMBER_MS;
    for (const [path, info] of files) if (info.modifiedAt.getTime() < horizon) files.delete(path);
    return files;
  }

  record(camera: string, cameraPath: string, size: number): void {
    const files = this.of(camera);
    files.delete(cameraPath);
    files.set(cameraPath, { cameraPath, size, modifiedAt: new Date() });
    while (files.size > MAX_PER_CAMERA) files.delete(files.keys().next().value as string);
  }

  list(camera: string): CameraFileInfo[] {
    return [...this.of(camera).values()];
  }

  has(camera: string, cameraPath: string): boolean {
    return this.of(camera).has(cameraPath);
  }

  delete(camera: string, cameraPath: string): boolean {
    return this.of(camera).delete(cameraPath);
  }

  rename(camera: string, from: string, to: string): boolean {
    const files = this.of(camera);
    const info = files.get(from);
    if (!info) return false;
    files.delete(from);
    files.set(to, { ...info, cameraPath: to });
    return true;
  }
}

/** Counts a test upload's bytes and drops them. `result` is its size once complete. */
export class TestUploadSink extends Writable {
  private bytes = 0;
  result: { size: number } | undefined;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > TEST_UPLOAD_MAX_BYTES) return callback(new TestUploadTooLarge(`test upload too large: at most ${TEST_UPLOAD_MAX_BYTES / 1024 / 1024} MiB (test uploads are not kept)`));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.result = { size: this.bytes };
    callback();
  }
}
