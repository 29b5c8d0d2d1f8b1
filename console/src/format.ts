import { withSignature } from '../../functions/core/reply-rules';
import { now } from './clock';
import type { Brand, CareCase, Platform } from './types';

const pad = (n: number) => String(n).padStart(2, '0');

/** "12:04", "1h 05m", "2d 3h"; overdue times get a minus sign. */
export function countdown(dueAt: string | undefined): { text: string; breached: boolean; ms: number } {
  if (!dueAt) return { text: '—', breached: false, ms: Number.POSITIVE_INFINITY };
  const ms = Date.parse(dueAt) - now();
  const breached = ms < 0;
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const text =
    days > 0
      ? `${days}d ${hours}h`
      : hours > 0
        ? `${hours}h ${pad(minutes)}m`
        : `${pad(minutes)}:${pad(seconds)}`;
  return { text: breached ? `−${text}` : text, breached, ms };
}

/** How urgent a running deadline looks: the brand warns at 80% of the time used by default. */
export function deadlineState(careCase: CareCase): 'breached' | 'warning' | 'ok' | 'none' {
  if (!careCase.nextDeadlineAt) return 'none';
  const due = Date.parse(careCase.nextDeadlineAt);
  if (due <= now()) return 'breached';
  const started = Date.parse(careCase.sla?.startedAt ?? careCase.openedAt);
  const share = (now() - started) / Math.max(1, due - started);
  return share >= 0.8 ? 'warning' : 'ok';
}

export function ago(iso: string | undefined): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)}h ${pad(Math.floor((seconds % 3600) / 60))}m ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

// Times are shown in the brand's timezone, named ("09:14 CET"): deadlines and opening hours are the
// brand's, and an agent working from elsewhere must not read them in their own.
const formats = new Map<
  string,
  {
    time: Intl.DateTimeFormat;
    dayTime: Intl.DateTimeFormat;
    day: Intl.DateTimeFormat;
    full: Intl.DateTimeFormat;
  }
>();

function formatsFor(timeZone: string | undefined) {
  const key = timeZone ?? '';
  let found = formats.get(key);
  if (!found) {
    const zone = timeZone ? { timeZone } : {};
    found = {
      time: new Intl.DateTimeFormat('en-GB', {
        ...zone,
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      }),
      dayTime: new Intl.DateTimeFormat('en-GB', {
        ...zone,
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      }),
      day: new Intl.DateTimeFormat('en-CA', { ...zone, year: 'numeric', month: '2-digit', day: '2-digit' }),
      full: new Intl.DateTimeFormat('en-GB', { ...zone, dateStyle: 'medium', timeStyle: 'long' }),
    };
    formats.set(key, found);
  }
  return found;
}

/** "09:14 CET" today, "23 Nov, 09:14 CET" otherwise, in the brand's timezone (the browser's without one). */
export function when(iso: string | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  const f = formatsFor(timeZone);
  return f.day.format(new Date(now())) === f.day.format(date) ? f.time.format(date) : f.dayTime.format(date);
}

/** "23 Nov 2026, 09:14:02 CET (Europe/Amsterdam)": for tooltips. */
export function exactly(iso: string | undefined, timeZone?: string): string {
  if (!iso) return '';
  const text = formatsFor(timeZone).full.format(new Date(iso));
  return timeZone ? `${text} (${timeZone})` : text;
}

export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value < 60) return `${Math.round(value)}s`;
  if (value < 3600) return `${Math.round(value / 60)}m`;
  return `${(value / 3600).toFixed(1)}h`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export const PLATFORM_NAMES: Record<Platform, string> = {
  x: 'X',
  facebook: 'Facebook',
  instagram: 'Instagram',
  generic: 'Web/review',
};

export const DEADLINE_NAMES: Record<string, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
};

export const STATUS_NAMES: Record<string, string> = {
  open: 'Open',
  waiting_on_customer: 'Waiting on customer',
  resolved: 'Resolved',
};

// The server's own rules: the counts and limits shown while typing are the ones the API checks.
export { platformLength, replyLimit } from '../../functions/core/reply-rules';

/** A public reply as it will be posted: signed once (not again when the text already ends signed). */
export function signedReply(
  brand: Brand | undefined,
  agentName: string,
  text: string,
  initials?: string,
): string {
  return withSignature(text, brand?.agentDesk?.signature, agentName, initials);
}

export function customerLabel(customer: { handle?: string; name?: string; id: string }): string {
  return customer.handle ? `@${customer.handle}` : (customer.name ?? customer.id);
}

/** A unique id per reply, so a double click or a retry never sends twice. */
export function newRequestId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
