/**
 * The FTPS certificate: the pair named in the config (`ftp.tls.certFile`/`keyFile`), or a
 * self-signed pair made at first start with openssl and kept in the spool folder (`tls/`), so
 * camera passwords no longer cross the LAN in clear text. Cameras accept self-signed
 * certificates (they do not check the name); a client that checks can pin `tls/cert.pem`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';

export class TlsCertificateUnavailable extends Error {
  override name = 'TlsCertificateUnavailable';
}

export interface TlsSettings {
  certFile?: string;
  keyFile?: string;
}

/** Where the self-signed pair lives. */
export const selfSignedPaths = (spoolDirectory: string) => ({ cert: join(spoolDirectory, 'tls', 'cert.pem'), key: join(spoolDirectory, 'tls', 'key.pem') });

export function loadTlsCertificate(settings: TlsSettings, spoolDirectory: string, logger: Logger): { cert: string; key: string } {
  if (settings.certFile && settings.keyFile) {
    try {
      return { cert: readFileSync(settings.certFile, 'utf8'), key: readFileSync(settings.keyFile, 'utf8') };
    } catch (error) {
      throw new TlsCertificateUnavailable(`Cannot read ftp.tls.certFile/keyFile: ${(error as Error).message}. Fix the paths, or remove both to use a self-signed pair.`);
    }
  }
  const paths = selfSignedPaths(spoolDirectory);
  if (!existsSync(paths.cert) || !existsSync(paths.key)) {
    mkdirSync(join(spoolDirectory, 'tls'), { recursive: true, mode: 0o700 });
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650', '-subj', '/CN=camflow-gateway', '-keyout', paths.key, '-out', paths.cert],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
    } catch (error) {
      throw new TlsCertificateUnavailable(
        `Could not make a self-signed FTPS certificate with openssl (${(error as Error).message.split('\n')[0]}). Install openssl (apt install openssl), or give ftp.tls.certFile and keyFile.`,
      );
    }
    chmodSync(paths.key, 0o600);
    logger.info('Made a self-signed FTPS certificate (first start)', { cert: paths.cert });
  }
  return { cert: readFileSync(paths.cert, 'utf8'), key: readFileSync(paths.key, 'utf8') };
}
