import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * zod's mini build, for every schema in the code (`import * as z from './schema'`): the same
 * validation and messages as the full library, in functions rather than methods (`z.optional(s)`,
 * `s.check(z.minLength(1))`), so a bundle carries only what it uses: about 30 KiB of zod instead of
 * about 97 (each Lambda has 500 KiB, bench/budgets.json).
 * The mini build ships without messages; these are the English ones the full build gives, imported
 * by name (the `z.locales` namespace would bring every language, about 320 KiB).
 */
config(en());

export * from 'zod/mini';
