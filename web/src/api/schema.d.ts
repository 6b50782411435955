/**
 * Generated from the API's /openapi.json by `npm run web:types` (runtime/web-api-types.ts). Do not edit.
 */

export interface paths {
    "/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alerts sent, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Opaque cursor from the previous page of the same list and query (signed: any change is refused with 400). */
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of alerts */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertPage"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in (local issuer only; in AWS sign in with Cognito)
         * @description Checks the user name and password against the users created by `camflow users add` and returns a short-lived ES256 token. After 10 failed attempts for a user name (or 30 from an address) in 5 minutes, sign-in is refused with 429 and `Retry-After`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password: string;
                        username: string;
                    };
                };
            };
            responses: {
                /** @description A bearer token */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Login"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The request body is larger than the API accepts (16 KiB) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many failed sign-ins for this user name or address: wait `Retry-After` seconds */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new token before this one expires (local issuer only; in AWS Cognito refreshes)
         * @description Send a valid token as the bearer: the answer is a new one, with the user’s current role. Renewal stops 12 h after the password was given: then sign in again.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A new bearer token */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Login"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cameras": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Cameras, with display name, last clip time, clip count and settings */
        get: {
            parameters: {
                query?: {
                    /** @description Opaque cursor from the previous page of the same list and query (signed: any change is refused with 400). */
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of cameras */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CameraPage"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cameras/{id}/clips": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A camera's clips, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Opaque cursor from the previous page of the same list and query (signed: any change is refused with 400). */
                    cursor?: string;
                    /** @description ISO 8601 date-time with Z or an offset (encode + as %2B); compared as an instant. */
                    from?: string;
                    limit?: number;
                    /** @description ISO 8601 date-time with Z or an offset (encode + as %2B); compared as an instant. */
                    to?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of clips, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ClipPage"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cameras/{id}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A camera's settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The settings */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CameraSettings"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Change a camera's settings (admin)
         * @description Fields left out keep their value (a camera that never chose one follows the stack default). A camera that has not uploaded yet is created. The retention class applies to clips cataloged from now on.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Where the camera's motion alerts go: email, sms, both (default) or none.
                         * @enum {string}
                         */
                        alertChannels?: "email" | "sms" | "both" | "none";
                        alertsEnabled?: boolean;
                        /** @description Alert in home mode too (outdoor cameras, typically); default false. */
                        alertWhenHome?: boolean;
                        cooldownSeconds?: number;
                        displayName?: string;
                        /** @description Local times (in timeZone) between which no motion alert is sent; start > end spans midnight; null removes them. */
                        quietHours?: {
                            end: string;
                            start: string;
                        } | null;
                        /**
                         * @description What MediaConvert makes of new clips: passthrough (the camera H.264 kept, cheapest), economy (one 720p rendition) or full (the HLS ladder).
                         * @enum {string}
                         */
                        renderProfile?: "passthrough" | "economy" | "full";
                        /** @enum {string} */
                        retentionClass?: "short" | "standard" | "archive";
                        timeZone?: string;
                    };
                };
            };
            responses: {
                /** @description The settings now */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CameraSettings"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clips": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A day's clips across cameras, or the clips in a workflow status
         * @description Give `day` or `status` (not both). `camera` narrows either list to one camera.
         */
        get: {
            parameters: {
                query?: {
                    camera?: string;
                    /** @description Opaque cursor from the previous page of the same list and query (signed: any change is refused with 400). */
                    cursor?: string;
                    day?: string;
                    limit?: number;
                    status?: "FAILED" | "QUARANTINED" | "PROCESSING";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of clips, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ClipPage"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clips/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One clip: metadata, renditions, poster, thumbnails and short-lived playback URLs
         * @description `playback.hls` is the master playlist to hand to a player: the API serves the playlists (signed link, no Authorization header needed) and every segment URL in them is presigned, so the video bytes come straight from S3. `playback.mp4`, `poster` and `scrub.spriteUrl` (the scrub thumbnails in one JPEG; `thumbnails` for clips rendered before the sprite) are presigned S3 URLs. All expire at `playback.expiresAt`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The clip */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Clip"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a clip: its outputs, raw upload and catalog item (admin)
         * @description Refused with 409 while the clip is on evidence hold.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state (e.g. the clip is held) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clips/{id}/alert": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A clip's motion alert: sent to which channels, or why not */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description What was decided, and why */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertDecision"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clips/{id}/hold": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Put a clip on evidence hold (admin)
         * @description Puts every object version of the clip (its raw upload and all outputs) under an S3 Object Lock legal hold — no one, not even an admin's delete or an overwrite, can remove them while it holds — tags them with retention class `hold`, which lifecycle rules never expire, and marks the clip held.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The clip is held */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Hold"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Release an evidence hold (admin)
         * @description Lifts the legal hold from every object version of the clip and restores the camera's retention class on them.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The hold is released */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Hold"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clips/{id}/playback/{playlist}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** HLS playlists of a clip, for players (signed link from GET /clips/{id}, no bearer token) */
        get: {
            parameters: {
                query?: {
                    /** @description Expiry of the playback link (epoch seconds). */
                    exp?: string;
                    /** @description Signature of the playback link. */
                    sig?: string;
                };
                header?: never;
                path: {
                    id: string;
                    playlist: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An HLS playlist */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.apple.mpegurl": string;
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clips/{id}/workflow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A clip's workflow: the execution's status and a per-state timeline */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The execution, state by state */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Workflow"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recent clip workflow executions, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Opaque cursor from the previous page of the same list and query (signed: any change is refused with 400). */
                    cursor?: string;
                    limit?: number;
                    status?: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of executions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExecutionPage"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/executions/{name}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Redrive a failed execution from the state that failed (admin) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Redriven */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Redrive"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such clip, camera or execution */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state (e.g. the clip is held) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness (no authentication) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The API is up */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mode": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The home/away mode, and the mode in force now */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The mode */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Mode"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Set the home/away mode or a weekly schedule (admin)
         * @description In home mode only cameras marked alertWhenHome send motion alerts; away, every camera does; a schedule is home during its periods (local to its time zone, across midnight when end <= start) and away otherwise.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description home: only cameras marked alertWhenHome alert; away: every camera alerts; schedule: home during the periods given, away otherwise.
                         * @enum {string}
                         */
                        mode: "home" | "away" | "schedule";
                        schedule?: {
                            /** @description Periods of home time, local to timeZone; end <= start runs across midnight into the next day (equal: the whole day). */
                            home: {
                                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                                end: string;
                                start: string;
                            }[];
                            /** @example Europe/Paris */
                            timeZone: string;
                        };
                    };
                };
            };
            responses: {
                /** @description The mode now */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Mode"];
                    };
                };
                /** @description Invalid request: `field` names the parameter, `message` the reason */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, expired or invalid bearer token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Your role does not allow this */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Alert: {
            camera: string;
            clipId: string;
            message: string;
            sentAt: string;
            subject: string;
        };
        AlertDecision: {
            camera: string;
            capturedAt: string;
            cause?: string;
            /** @description sent: the protocols the alert went to (email, sms). */
            channels?: string[];
            clipId: string;
            decidedAt: string;
            error?: string;
            /** @description Why, in a sentence, and what to change. */
            explanation: string;
            /** @enum {string} */
            mode: "home" | "away";
            /** @enum {string} */
            outcome: "sent" | "not-sent" | "failed";
            /** @description not-sent: alerts-off, channel-none, quiet-hours, home-mode or cooldown. */
            reason?: string;
            sms?: string;
            subject?: string;
        };
        AlertPage: {
            alerts: components["schemas"]["Alert"][];
            cursor?: string;
        };
        Camera: {
            clipCount: number;
            displayName: string;
            id: string;
            lastClipAt?: string;
            monthToDate: components["schemas"]["CameraMonthToDate"];
            settings: components["schemas"]["CameraSettings"];
        };
        CameraMonthToDate: {
            /** @description Clips counted in the estimate. */
            clips: number;
            /** @description Sum of this month's clips' estimated processing cost (MediaConvert, requests, workflow, Lambda, first month of storage), USD, from domain/prices.ts. */
            estimatedUsd: number;
            /** @description UTC month, YYYY-MM. */
            month: string;
        };
        CameraPage: {
            cameras: components["schemas"]["Camera"][];
            cursor?: string;
        };
        CameraSettings: {
            /** @enum {string} */
            alertChannels: "email" | "sms" | "both" | "none";
            alertsEnabled: boolean;
            alertWhenHome: boolean;
            cooldownSeconds: number;
            displayName: string;
            quietHours?: {
                end: string;
                start: string;
            };
            /** @enum {string} */
            renderProfile: "passthrough" | "economy" | "full";
            /** @enum {string} */
            retentionClass: "short" | "standard" | "archive" | "hold";
            timeZone: string;
        };
        Clip: components["schemas"]["ClipSummary"] & {
            cost?: components["schemas"]["ClipCost"];
            executionName?: string;
            failure?: {
                cause?: string;
                error: string;
            };
            hlsMaster?: string;
            mp4?: string;
            playback: components["schemas"]["Playback"];
            quarantine?: {
                detail: string;
                reason: string;
            };
            renditions?: {
                bitrate?: number;
                height?: number;
                intervalSeconds?: number;
                /** @enum {string} */
                kind: "hls-master" | "hls" | "mp4" | "poster" | "thumbnails" | "sprite";
                uri: string;
                width?: number;
            }[];
            source: {
                bucket: string;
                key: string;
                sizeBytes: number;
            } & {
                [key: string]: unknown;
            };
            sprite?: {
                columns: number;
                count: number;
                index?: string;
                intervalSeconds: number;
                rows: number;
                tileHeight: number;
                tileWidth: number;
                uri: string;
            };
            thumbnails?: {
                count?: number;
                intervalSeconds: number;
                prefix: string;
            };
        };
        /** @description What processing the clip is estimated to cost (absent on clips cataloged before estimates). */
        ClipCost: {
            bytes: number;
            normalizedMinutes: number;
            objects: number;
            /** @description MediaConvert minutes billed by output class (passthrough, SD, HD, UHD, frame capture, trick play). */
            outputMinutes: {
                [key: string]: number;
            };
            transitions: number;
            usd: number;
        };
        ClipPage: {
            clips: components["schemas"]["ClipSummary"][];
            cursor?: string;
        };
        ClipSummary: {
            camera: string;
            capturedAt: string;
            clipId: string;
            durationSeconds?: number;
            held: boolean;
            kind: string;
            /** @description s3:// URI of the poster (see GET /clips/{id} for a playable URL). */
            poster?: string;
            /** @description In lists: presigned URL of the poster JPEG, expiring like playback links. */
            posterUrl?: string;
            retentionClass?: string;
            /** @enum {string} */
            status: "PROCESSING" | "READY" | "FAILED" | "QUARANTINED";
            updatedAt?: string;
            uploadedAt?: string;
        };
        Error: {
            /** @example CLIP_NOT_FOUND */
            code: string;
            /** @example limit */
            field?: string;
            /** @example No clip 'x' in the catalog. */
            message: string;
        };
        Execution: {
            clipId?: string;
            executionArn: string;
            name: string;
            redriveCount?: number;
            startedAt?: string;
            status: string;
            stoppedAt?: string;
        };
        ExecutionPage: {
            cursor?: string;
            executions: components["schemas"]["Execution"][];
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        Hold: {
            clipId: string;
            held: boolean;
            objectsTagged: number;
            retentionClass: string;
        };
        Login: {
            expiresIn: number;
            role: string;
            token: string;
            /** @enum {string} */
            tokenType: "Bearer";
        };
        Mode: {
            /**
             * @description The mode in force now.
             * @enum {string}
             */
            current: "home" | "away";
            /** @enum {string} */
            mode: "home" | "away" | "schedule";
            schedule?: {
                home: {
                    days: string[];
                    end: string;
                    start: string;
                }[];
                timeZone: string;
            };
            updatedAt?: string;
            updatedBy?: string;
        };
        Playback: {
            expiresAt: string;
            /** @description Master playlist to give a player (hls.js, Safari, VLC): served by the API with presigned segment URLs. */
            hls?: string;
            /** @description Presigned URL of the master playlist object as stored (relative variant URIs: use `hls` to play). */
            hlsMaster?: string;
            /** @description Presigned URL of the fast-start MP4. */
            mp4?: string;
            /** @description Presigned URL of the poster JPEG. */
            poster?: string;
            scrub?: components["schemas"]["Scrub"];
            /** @description Presigned URL of the raw upload. */
            source?: string;
            /** @description Clips rendered before the sprite: one URL per thumbnail. */
            thumbnails?: {
                atSeconds: number;
                url: string;
            }[];
        };
        Redrive: {
            executionArn: string;
            name: string;
            redriveDate: string;
        };
        Scrub: {
            columns: number;
            rows: number;
            /** @description Presigned URL of the sprite: every scrub thumbnail in one JPEG. */
            spriteUrl: string;
            tileHeight: number;
            /** @description Width of one thumbnail in the sprite, px. */
            tileWidth: number;
            /** @description Seconds into the clip of thumbnail i (cell i, left to right then top to bottom). */
            times: number[];
        };
        StateTimelineEntry: {
            cause?: string;
            durationMs?: number;
            enteredAt: string;
            error?: string;
            leftAt?: string;
            name: string;
            /** @description The Parallel or Map state this state ran inside. */
            parent?: string;
            redriveCount: number;
            /** @description Task attempts after the first. */
            retries: number;
            /** @enum {string} */
            status: "RUNNING" | "SUCCEEDED" | "CAUGHT" | "FAILED" | "ABORTED" | "TIMED_OUT";
            /** @description ASL state type: Task, Choice, Parallel, Pass, Succeed, Fail… */
            type: string;
        };
        Workflow: {
            cause?: string;
            clipId: string;
            error?: string;
            executionArn: string;
            redriveCount?: number;
            startedAt?: string;
            states: components["schemas"]["StateTimelineEntry"][];
            status: string;
            stoppedAt?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
