/**
 * The S3 sender process (see s3-sender.ts): bundled as `camflow-gateway-s3-sender.mjs` beside the
 * gateway's bundle, or run from a checkout under tsx.
 */
import { runAsS3Sender } from './s3-sender-process.ts';

await runAsS3Sender();
