/**
 * The password policy of the stack's Cognito user pool: the stack sets it
 * (workflows/api-construct.ts), the sign-in page states it, the test user pool enforces it.
 */
export const USER_POOL_PASSWORD_POLICY = { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true } as const;

/** The policy in words, under the new-password field. */
export const PASSWORD_RULES = `At least ${USER_POOL_PASSWORD_POLICY.minLength} characters, with a lowercase letter, an uppercase letter, a digit and a symbol (such as ! ? - _ or a space inside).`;
