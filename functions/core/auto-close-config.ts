import type { autoCloseSchema } from './auto-close-schema';
import type * as z from './schema';

/** How long after a close a new message reopens the case (core/auto-close.ts). */
export const DEFAULT_REOPEN_WITHIN = '7d';

/** A brand's auto-close settings, as validated by auto-close-schema.ts where the config enters. */
export type AutoCloseConfig = z.infer<typeof autoCloseSchema>;
