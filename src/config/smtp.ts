// SMTP settings and per-listener SMTP limits (filled in by the SMTP issue).
import { z } from 'zod';

/** Keys of `[listener.limits]` that only SMTP listeners use. */
export const smtpLimits = {} satisfies z.ZodRawShape;

/** The `[smtp]` table. */
export const smtpSettings = {} satisfies z.ZodRawShape;
