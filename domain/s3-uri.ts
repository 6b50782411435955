/** `s3://bucket/key` URIs, as the workflow's settings, outputs and catalog records name objects. */

export interface S3ObjectLocation {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` → bucket and key (the key may be empty, or a prefix ending in `/`); anything else → undefined. */
export function parseS3Uri(uri: string | undefined): S3ObjectLocation | undefined {
  const match = uri ? /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) : null;
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}
