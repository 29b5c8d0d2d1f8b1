/**
 * What reading X costs a brand, and what the poller does about it: pure functions over plain numbers.
 * Amounts are kept in micro-dollars (whole numbers) so counters add up exactly.
 */

export const MICRO_USD = 1_000_000;

export type XReadKind = 'mentions' | 'search' | 'dmEvents';

/** The cost of `resources` posts or DM events read at `priceUsd` each, in micro-dollars. */
export function readCostMicroUsd(resources: number, priceUsd: number): number {
  return Math.round(resources * priceUsd * MICRO_USD);
}

export type SpendLevel = 'ok' | 'warn' | 'stop';

/** ok below the warning share of the cap, warn from it, stop at the cap. */
export function spendLevel(spentMicroUsd: number, capUsd: number, warnAtShare: number): SpendLevel {
  const cap = capUsd * MICRO_USD;
  if (spentMicroUsd >= cap) return 'stop';
  if (spentMicroUsd >= cap * warnAtShare) return 'warn';
  return 'ok';
}

/** The billing month a read counts in: the calendar month in UTC, e.g. "2026-12". */
export function spendMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export const formatUsd = (microUsd: number) => `$${(microUsd / MICRO_USD).toFixed(2)}`;
