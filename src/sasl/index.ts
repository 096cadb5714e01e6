export { hashPassword, verifyArgon2id, defaultArgon2Params } from './password.ts';
export type { Argon2Params } from './password.ts';
