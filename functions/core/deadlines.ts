import type { Brand, Priority } from './brand-config';
import { addOpenTime } from './calendar';
import { parseDuration } from './duration';

export type DeadlineKind = 'first_response' | 'next_response' | 'resolution';

function policyDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new Error(`invalid duration "${text}" in a validated config`);
  return ms;
}

/** Which channel a case is on, for per-channel deadline policies ("x", "x:private", "generic"). */
export interface Channel {
  platform: string;
  visibility: 'public' | 'private';
}

type PolicyKind = 'firstResponse' | 'nextResponse';

/** The most specific policy wins: "x:private", then "x", then the brand's defaults. */
function durationFor(
  brand: Brand,
  channel: Channel,
  kind: PolicyKind | 'resolution',
  priority?: Priority,
): number {
  const overrides = brand.deadlines.byChannel;
  for (const key of [`${channel.platform}:${channel.visibility}`, channel.platform]) {
    const policy = overrides[key];
    if (!policy) continue;
    const value = kind === 'resolution' ? policy.resolution : priority ? policy[kind]?.[priority] : undefined;
    if (value) return policyDuration(value);
  }
  return policyDuration(
    kind === 'resolution' ? brand.deadlines.resolution : brand.deadlines[kind][priority!],
  );
}

export function firstResponseDueAt(
  brand: Brand,
  channel: Channel,
  priority: Priority,
  receivedAt: Date,
): Date {
  return addOpenTime(brand.calendar, receivedAt, durationFor(brand, channel, 'firstResponse', priority));
}

export function nextResponseDueAt(
  brand: Brand,
  channel: Channel,
  priority: Priority,
  receivedAt: Date,
): Date {
  return addOpenTime(brand.calendar, receivedAt, durationFor(brand, channel, 'nextResponse', priority));
}

export function resolutionDueAt(brand: Brand, channel: Channel, openedAt: Date): Date {
  return addOpenTime(brand.calendar, openedAt, durationFor(brand, channel, 'resolution'));
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
