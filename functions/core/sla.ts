import type { Brand } from './brand-config';
import { addOpenTime, openTimeBetween } from './calendar';
import type { DeadlineKind } from './deadlines';
import { parseDuration } from './duration';

/**
 * What the SLA monitor does for a running deadline, in order and each exactly once:
 * a warning when the share of working time set by the brand (default 80%) is used, a breach page at
 * the deadline, and one repeat page while it is still breached.
 */
export type SlaStep = 'warning' | 'breach' | 'repeat';

export interface SlaState {
  /** Which deadline the steps are about: "first_response@2026-11-23T10:30:00.000Z". */
  deadline: string;
  kind: DeadlineKind;
  dueAt: string;
  startedAt: string;
  /** The last step taken for this deadline. */
  step?: SlaStep;
  /** When the monitor should look again; absent once every step is taken. */
  checkAt?: string;
}

export interface SlaRecord {
  kind: DeadlineKind;
  dueAt: string;
  step: SlaStep;
  at: string;
}

export const DEFAULT_WARN_AT_SHARE = 0.8;
export const DEFAULT_REPEAT_PAGE_AFTER = '30m';

function warnAt(brand: Brand, startedAt: string, dueAt: string): string {
  const start = new Date(startedAt);
  const due = new Date(dueAt);
  const total = openTimeBetween(brand.calendar, start, due);
  const share = brand.deadlines.warnAtShare ?? DEFAULT_WARN_AT_SHARE;
  return addOpenTime(brand.calendar, start, Math.floor(total * share)).toISOString();
}

function repeatAt(brand: Brand, dueAt: string): string {
  const ms = parseDuration(brand.deadlines.repeatPageAfter ?? DEFAULT_REPEAT_PAGE_AFTER) ?? 30 * 60_000;
  return new Date(Date.parse(dueAt) + ms).toISOString();
}

/** The SLA state for the case's next deadline: kept when the deadline is the same, started afresh when it changed. */
export function scheduleSla(
  brand: Brand,
  previous: SlaState | undefined,
  next: { kind: DeadlineKind; at: string; startedAt: string } | undefined,
): SlaState | undefined {
  if (!next) return undefined;
  const deadline = `${next.kind}@${next.at}`;
  if (previous && previous.deadline === deadline) return previous;
  return {
    deadline,
    kind: next.kind,
    dueAt: next.at,
    startedAt: next.startedAt,
    checkAt: warnAt(brand, next.startedAt, next.at),
  };
}

/** The step due now for this state, if any. A monitor that was late skips straight to the breach. */
export function dueStep(state: SlaState | undefined, now: Date): SlaStep | undefined {
  if (!state?.checkAt || Date.parse(state.checkAt) > now.getTime()) return undefined;
  const overdue = now.getTime() >= Date.parse(state.dueAt);
  if (!state.step) return overdue ? 'breach' : 'warning';
  if (state.step === 'warning') return overdue ? 'breach' : undefined;
  if (state.step === 'breach') return 'repeat';
  return undefined;
}

export function advanceSla(brand: Brand, state: SlaState, step: SlaStep): SlaState {
  const checkAt =
    step === 'warning' ? state.dueAt : step === 'breach' ? repeatAt(brand, state.dueAt) : undefined;
  const { checkAt: _old, ...rest } = state;
  return checkAt ? { ...rest, step, checkAt } : { ...rest, step };
}
