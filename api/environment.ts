/** Environment variables the API function reads (besides ENV.table, ENV.uploadsBucket, ENV.mediaBucket, ENV.stateMachineArn). */
export const API_ENV = {
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  corsOrigins: 'CORS_ORIGINS',
  presignExpirySeconds: 'PRESIGN_EXPIRY_SECONDS',
  /** Optional: the API's public URL when served under a custom domain (playback links use it). */
  publicUrl: 'API_PUBLIC_URL',
} as const;
