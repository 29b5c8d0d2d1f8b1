import type { Brand, Priority } from './brand-config';
import { addOpenTime } from './calendar';
import { parseDuration } from './duration';

export type DeadlineKind = 'first_response' | 'next_response' | 'resolution';

/** When a clock of `durationMs` started at `start` runs out, counting only the brand's working time. */
export function addBusinessTime(start: Date, durationMs: number, calendar: Brand['calendar']): Date {
  return addOpenTime(calendar, start, durationMs);
}

function policyDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new Error(`invalid duration "${text}" in a validated config`);
  return ms;
}

export function firstResponseDueAt(brand: Brand, priority: Priority, receivedAt: Date): Date {
  return addBusinessTime(receivedAt, policyDuration(brand.deadlines.firstResponse[priority]), brand.calendar);
}

export function nextResponseDueAt(brand: Brand, priority: Priority, receivedAt: Date): Date {
  return addBusinessTime(receivedAt, policyDuration(brand.deadlines.nextResponse[priority]), brand.calendar);
}

export function resolutionDueAt(brand: Brand, openedAt: Date): Date {
  return addBusinessTime(openedAt, policyDuration(brand.deadlines.resolution), brand.calendar);
}

/** The earliest deadline still running: what the SLA monitor and the agent queue sort by. */
export function nextDeadline(
  deadlines: Partial<Record<DeadlineKind, string | undefined>>,
): { kind: DeadlineKind; at: string } | undefined {
  let best: { kind: DeadlineKind; at: string } | undefined;
  for (const kind of ['first_response', 'next_response', 'resolution'] as const) {
    const at = deadlines[kind];
    if (at && (!best || at < best.at)) best = { kind, at };
  }
  return best;
}
