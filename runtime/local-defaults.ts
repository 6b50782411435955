/**
 * What `camflow up` uses when nothing is said: the ports on 127.0.0.1 and how often the sweeper
 * runs. A module of its own, with no imports: `camflow up --help` prints these without loading the
 * stack.
 */

/** The local stack's ports (0 picks a free one). */
export const DEFAULT_PORTS = { s3: 4569, dynamodb: 8000, stepFunctions: 8083, api: 8080 } as const;

/** The web app's port: the one origin the local API and S3 admit by CORS. */
export const DEFAULT_WEB_PORT = 5173;

/** Seconds between two runs of the sweeper, which restarts uploads stuck in PROCESSING (0: never). */
export const DEFAULT_SWEEP_EVERY_SECONDS = 60;
