/**
 * The gateway's configuration file: JSON with comments (JSONC — `//` line and block comments,
 * trailing commas allowed; parsed by jsonc-parser). Relative paths are resolved from the file's own folder.
 * See gateway/gateway.example.jsonc for every setting, commented.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import * as z from 'zod';
import { CAMERA_ID_PATTERN } from '../domain/clip-contract.ts';
import { isPasswordHash } from '../domain/password-hash.ts';
import { DEFAULT_GATEWAY_NAME } from './heartbeat-metrics.ts';

/** `.dav` (Dahua) and raw H.264 (`.h264`, `.264`) are remuxed to MP4 on the gateway before upload. */
export const DEFAULT_EXTENSIONS = ['mp4', 'mkv', 'avi', 'mov', 'jpg', 'jpeg', 'dav', 'h264', '264'] as const;

const cameraSchema = z.strictObject({
  /** From `camflow gateway hash-password`. */
  passwordHash: z.string().refine(isPasswordHash, 'not a password hash: run `camflow gateway hash-password` and paste its output'),
});

/** Bounds on what FTP clients may hold or do: connections, logins, timeouts, folders. */
export const ftpLimitsSchema = z.strictObject({
  /** Connections open at once, all clients together; more get `421` and are closed. */
  maxConnections: z.number().int().min(1).max(10_000).default(64),
  /** Connections open at once from one address (cameras behind NAT share one). */
  maxConnectionsPerAddress: z.number().int().min(1).max(10_000).default(16),
  /** Wrong logins from one address before it is locked out. */
  maxLoginFailures: z.number().int().min(1).max(1000).default(5),
  /** How long a locked-out address gets `421` at once, without a password check. */
  lockoutMinutes: z.number().min(0).default(15),
  /** Pause before `530` after a wrong password, times the failures so far from that address. */
  loginFailureDelaySeconds: z.number().min(0).max(60).default(1),
  /** A connection that has not logged in within this time is closed (`421`). */
  loginTimeoutSeconds: z.number().positive().default(30),
  /** A logged-in connection with no command for this long is closed (`421`); not counted during a transfer. */
  idleTimeoutSeconds: z.number().positive().default(600),
  /** A data connection that sends no byte for this long is cut (`426`); the partial file is dropped. */
  dataTimeoutSeconds: z.number().positive().default(60),
  /** Folders a camera may have in its folder (MKD past it gets `552`). */
  maxFoldersPerCamera: z.number().int().min(1).default(5000),
  /** New folders one camera may make per minute (MKD past it gets `550`). */
  maxNewFoldersPerMinute: z.number().int().min(1).default(60),
});

export type FtpLimits = z.infer<typeof ftpLimitsSchema>;

export const gatewayConfigSchema = z.strictObject({
  /** Where received files wait, with the journal and the status file. */
  spoolDirectory: z.string().min(1),
  /** The uploads bucket (the CDK stack's output; `camflow-uploads` locally). */
  bucket: z.string().min(3).default('camflow-uploads'),
  /** One FTP user per camera: the user name is the camera id. */
  cameras: z.record(z.string().regex(CAMERA_ID_PATTERN, 'camera ids are lowercase letters, digits and dashes (they become the first S3 key segment)'), cameraSchema),
  ftp: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(2121),
      /** The address cameras connect to for passive data connections (this box's LAN IP). */
      passiveHost: z.string().optional(),
      /** Passive data ports (open them in the box's firewall); both 0: any free port the OS gives (tests, no firewall). */
      passivePortMin: z.number().int().min(0).max(65535).default(30000),
      passivePortMax: z.number().int().min(0).max(65535).default(30100),
      /** What one camera, or anyone on the network, may hold or do (see ftpLimitsSchema). */
      limits: ftpLimitsSchema.prefault({}),
      /**
       * A file uploaded under a temporary name (`.tmp`, `.part`, `clip.mp4_`, no extension) waits
       * this long for the camera's RNFR/RNTO; never renamed, it goes up under its own name.
       */
      temporaryNameWaitSeconds: z
        .number()
        .min(0)
        .max(7 * 24 * 3600)
        .default(600),
      /**
       * Refuse logins that did not switch to TLS (`530`), so camera passwords never cross the LAN
       * in clear text. `true` turns FTPS on (`tls.enabled`), with a self-signed pair when `tls`
       * names no certificate. Read as well under its first name, `tls.require`.
       */
      requireTls: z.boolean().optional(),
      /**
       * Explicit FTPS (AUTH TLS). `enabled` without `certFile`/`keyFile`: a self-signed pair is made
       * at first start in the spool folder (tls/). `require`: the first name of `ftp.requireTls`.
       */
      tls: z
        .strictObject({
          enabled: z.boolean().default(false),
          certFile: z.string().min(1).optional(),
          keyFile: z.string().min(1).optional(),
          require: z.boolean().default(false),
        })
        .prefault({}),
    })
    .prefault({}),
  /** The ffmpeg that remuxes `.dav`/`.h264`/`.264` to MP4 before upload (a name on PATH, or a path). */
  ffmpegPath: z.string().min(1).default('ffmpeg'),
  /** `--watch DIR` mode: a file is complete when its size has not changed for this long. */
  watch: z
    .strictObject({
      stableSeconds: z.number().positive().default(10),
      scanSeconds: z.number().positive().default(2),
    })
    .default({ stableSeconds: 10, scanSeconds: 2 }),
  allowedExtensions: z
    .array(z.string().regex(/^[a-z0-9]{1,8}$/, 'extensions are lowercase letters/digits, without the dot'))
    .min(1)
    .default([...DEFAULT_EXTENSIONS]),
  /** Keep a copy of each confirmed file this long (0: remove as soon as S3 confirmed it). */
  keepLocalHours: z.number().min(0).default(0),
  /** Spool size limit. Past it, kept copies go first (oldest first); then new uploads are refused (FTP 452). */
  spoolLimitMB: z.number().positive().default(20_000),
  /** The cameras' clock zone, to read times in their file names (IANA name; default: this machine's). */
  cameraTimeZone: z.string().optional(),
  upload: z
    .strictObject({
      concurrency: z.number().int().min(1).max(16).default(2),
      /** Files above this size go up as multipart uploads. */
      multipartThresholdMB: z.number().min(5).default(16),
      partSizeMB: z.number().min(5).default(8),
      /** Parts in flight per multipart upload (each streamed from disk: memory does not depend on part size). */
      queueSize: z.number().int().min(1).max(8).default(2),
      retryBaseSeconds: z.number().positive().default(1),
      retryMaxSeconds: z.number().positive().default(60),
      /**
       * How S3's confirmation is checked: `auto` compares the checksum S3 returns (SHA-256) or,
       * from a store that returns none, its MD5 ETag; when neither can confirm, the object is read
       * back and hashed. `read-back` always reads back (needs s3:GetObject).
       */
      verify: z.enum(['auto', 'read-back']).default('auto'),
      /**
       * Files go to S3 from a process of its own, started when a camera begins a file; it ends
       * after this long with nothing to send, so the gateway's idle memory stays low.
       */
      senderIdleSeconds: z.number().min(0.1).max(3600).default(10),
    })
    .default({ concurrency: 2, multipartThresholdMB: 16, partSizeMB: 8, queueSize: 2, retryBaseSeconds: 1, retryMaxSeconds: 60, verify: 'auto', senderIdleSeconds: 10 }),
  /**
   * Every `intervalSeconds` the gateway records its queue, oldest waiting file and disk use in
   * status.json and, when `cloudWatch` is on, sends them to CloudWatch (namespace
   * `camflow/gateway`, dimension Gateway = `name`; the stack alarms when they stop).
   * `cloudWatch: "auto"`: on when talking to AWS itself (a region, no AWS_ENDPOINT_URL_S3) or
   * when AWS_ENDPOINT_URL_CLOUDWATCH is set.
   */
  heartbeat: z
    .strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a gateway name is 1-64 letters, digits, dots, dashes or underscores')
        .default(DEFAULT_GATEWAY_NAME),
      intervalSeconds: z.number().int().min(5).max(3600).default(60),
      cloudWatch: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    })
    .prefault({}),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

export class GatewayConfigInvalid extends Error {
  override name = 'GatewayConfigInvalid';
}

/** What each JSONC syntax error means, and what to write instead. */
const SYNTAX_HINTS: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  CommaExpected: 'a comma is missing: put "," between two settings or two list items',
  ColonExpected: 'a colon is missing: write "name": value',
  PropertyNameExpected: 'a setting name is expected here, in double quotes ("name")',
  ValueExpected: 'a value is expected here: a number, true, false, null, "text", a list [...] or a section {...}',
  InvalidSymbol: 'this is not JSON: text needs double quotes ("text", not \'text\'), and true/false/null are lower case',
  CloseBraceExpected: 'a "}" is missing to close a section',
  CloseBracketExpected: 'a "]" is missing to close a list',
  EndOfFileExpected: 'there is more after the end of the settings: the file must hold one {...} section',
  UnexpectedEndOfComment: 'a /* comment is never closed with */',
  UnexpectedEndOfString: 'a text value is never closed with a double quote',
  InvalidEscapeCharacter: 'a backslash in a text value starts no valid escape: write \\\\ for one backslash (Windows paths)',
  InvalidCharacter: 'a text value holds a control character (a tab or a line break): write \\t or \\n',
  InvalidNumberFormat: 'this number is not written as JSON (no leading zeros, no trailing dot)',
};

/** Line and column (from 1) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/**
 * JSON with comments (line and block comments) and trailing commas, parsed by Microsoft's jsonc-parser
 * (the one VS Code uses for its settings). A syntax error names its line and column and says what to write.
 */
export function parseJsonWithComments(text: string, what = 'The gateway config'): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length === 0) return value;
  // The first error only: the ones after it are most often its echo.
  const first = errors[0]!;
  const { line, column } = lineAndColumn(text, first.offset);
  const code = printParseErrorCode(first.error);
  throw new GatewayConfigInvalid(
    `${what} is not valid JSON (comments and trailing commas are allowed): line ${line}, column ${column}: ${SYNTAX_HINTS[code] ?? 'unexpected text'} (${code}). ` +
      'Fix it there and try again; gateway/gateway.example.jsonc shows every setting written correctly.',
  );
}

export function parseGatewayConfig(text: string, baseDirectory: string): GatewayConfig {
  const raw = parseJsonWithComments(text);
  const parsed = gatewayConfigSchema.safeParse(raw);
  if (!parsed.success) throw new GatewayConfigInvalid(`The gateway config has errors:\n${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  if (config.ftp.passivePortMin > config.ftp.passivePortMax) {
    throw new GatewayConfigInvalid('ftp.passivePortMin must not be above ftp.passivePortMax.');
  }
  const anyPort = config.ftp.passivePortMin === 0 && config.ftp.passivePortMax === 0;
  if (!anyPort && config.ftp.passivePortMin < 1024) {
    throw new GatewayConfigInvalid('ftp.passivePortMin/passivePortMax must be a range within 1024-65535 (open it in the firewall), or both 0 for any free port.');
  }
  const tls = config.ftp.tls;
  if (!!tls.certFile !== !!tls.keyFile) throw new GatewayConfigInvalid('ftp.tls needs both certFile and keyFile (or neither: a self-signed pair is made).');
  // ftp.requireTls, or its first name ftp.tls.require (which did not turn TLS on by itself).
  const requireTls = config.ftp.requireTls ?? tls.require;
  if (config.ftp.requireTls === false && tls.require) throw new GatewayConfigInvalid('ftp.requireTls is false but ftp.tls.require (its old name) is true: keep only ftp.requireTls.');
  if (config.ftp.requireTls === undefined && tls.require && !tls.enabled)
    throw new GatewayConfigInvalid('ftp.tls.require needs ftp.tls.enabled: true (or write "requireTls": true in "ftp", which turns TLS on).');
  const resolved = {
    ...(tls.certFile ? { certFile: resolve(baseDirectory, tls.certFile) } : {}),
    ...(tls.keyFile ? { keyFile: resolve(baseDirectory, tls.keyFile) } : {}),
  };
  return {
    ...config,
    ftp: { ...config.ftp, requireTls, tls: { ...tls, ...resolved, enabled: tls.enabled || requireTls, require: requireTls } },
    spoolDirectory: resolve(baseDirectory, config.spoolDirectory),
  };
}

export function loadGatewayConfig(file: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new GatewayConfigInvalid(`Cannot read the gateway config ${file}: ${(error as Error).message}. Start from gateway/gateway.example.jsonc.`);
  }
  return parseGatewayConfig(text, dirname(resolve(file)));
}

export const MB = 1024 * 1024;
