// Authentication settings: SASL mechanisms, password hashing, brute-force throttling (filled in by
// the authentication issue).
import { z } from 'zod';

/** The `[auth]` table. */
export const authSettings = {} satisfies z.ZodRawShape;
