import { DEFAULT_REOPEN_WITHIN } from './auto-close-config';
import { parseDuration } from './duration';
import * as z from './schema';

/**
 * A brand's auto-close settings (core/auto-close.ts), validated with the rest of the brand config
 * where it enters (synth, `socialcare start`, the CLI), never in a Lambda.
 */
const duration = z.string().check(
  z.refine((value) => parseDuration(value) !== null, {
    message: 'expected a duration such as "15m", "1h", "48h" or "7d"',
  }),
);

export const autoCloseSchema = z.strictObject({
  /** Working time on the brand calendar a case may wait on the customer before it closes. */
  after: duration,
  /** Per channel ("x", "x:private", "facebook"...), like deadlines.byChannel: the most specific wins. */
  byChannel: z._default(z.record(z.string(), duration), {}),
  /** A new message within this (wall-clock) time of the close reopens the case; later, a new linked case. */
  reopenWithin: z._default(duration, DEFAULT_REOPEN_WITHIN),
  /** Sent from the case's account when it closes, in the case's channel (a reply in thread, or a DM). */
  closeOut: z.optional(z.string().check(z.minLength(1), z.maxLength(280))),
});
