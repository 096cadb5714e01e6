export { hashPassword, verifyArgon2id, defaultArgon2Params } from './password.ts';
export type { Argon2Params } from './password.ts';
export { PasswordAuthenticator } from './authenticator.ts';
export type { Authenticator, AuthConnection, AuthFailure, SaslExchange, SaslStep } from './types.ts';
