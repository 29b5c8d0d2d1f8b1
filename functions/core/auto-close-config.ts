import * as z from 'zod';
import { parseDuration } from './duration';

/** A brand's auto-close settings (core/auto-close.ts), validated with the rest of the brand config. */
const duration = z.string().refine((value) => parseDuration(value) !== null, {
  message: 'expected a duration such as "15m", "1h", "48h" or "7d"',
});

export const DEFAULT_REOPEN_WITHIN = '7d';

export const autoCloseSchema = z.strictObject({
  /** Working time on the brand calendar a case may wait on the customer before it closes. */
  after: duration,
  /** Per channel ("x", "x:private", "facebook"...), like deadlines.byChannel: the most specific wins. */
  byChannel: z.record(z.string(), duration).default({}),
  /** A new message within this (wall-clock) time of the close reopens the case; later, a new linked case. */
  reopenWithin: duration.default(DEFAULT_REOPEN_WITHIN),
  /** Sent from the case's account when it closes, in the case's channel (a reply in thread, or a DM). */
  closeOut: z.string().min(1).max(280).optional(),
});
export type AutoCloseConfig = z.infer<typeof autoCloseSchema>;
