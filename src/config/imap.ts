// IMAP settings and per-listener IMAP limits (filled in by the IMAP issue).
import { z } from 'zod';

/** Keys of `[listener.limits]` that only IMAP listeners use. */
export const imapLimits = {} satisfies z.ZodRawShape;

/** The `[imap]` table. */
export const imapSettings = {} satisfies z.ZodRawShape;
