/**
 * Camera passwords are stored hashed in the config file, in camflow's one password-hash
 * format (domain/password-hash.ts, which also reads the gateway's earlier base64 hashes).
 * `camflow gateway hash-password` prints one.
 */
import { hashPassword } from '../domain/password-hash.ts';

/** Shortest camera password accepted (cameras' own firmware often allows no more than 16). */
export const MIN_CAMERA_PASSWORD_LENGTH = 8;

/** The hash to paste into the config for a camera's password. */
export async function hashCameraPassword(password: string): Promise<string> {
  if (password.length < MIN_CAMERA_PASSWORD_LENGTH) throw new Error(`A camera password needs at least ${MIN_CAMERA_PASSWORD_LENGTH} characters.`);
  return hashPassword(password);
}
