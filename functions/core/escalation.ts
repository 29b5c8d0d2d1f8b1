import { parseDuration } from './duration';
import type { escalationSchema, levelSchema } from './escalation-schema';
import type * as z from './schema';

/**
 * Escalation chains: per brand and page severity, the levels a page climbs while nobody acknowledges
 * it (team lead, then duty manager, then head of care), each with where it goes and how long it waits
 * before the next level. Pure policy over plain data: the monitor, the agent API and the
 * acknowledgement routes ask these functions and never re-decide.
 */

/** Where a level's page goes: the on-call topic's e-mail and SMS subscribers, Slack, PagerDuty. */
export const PAGE_TARGETS = ['email', 'sms', 'slack', 'pagerduty'] as const;
export type PageTargetName = (typeof PAGE_TARGETS)[number];

export const ESCALATION_SEVERITIES = ['warning', 'critical'] as const;
export type EscalationSeverity = (typeof ESCALATION_SEVERITIES)[number];

/** One level of a chain, as validated by escalation-schema.ts where the config enters. */
export type EscalationLevel = z.infer<typeof levelSchema>;
/** The brand config's `escalation`, as validated by escalation-schema.ts where the config enters. */
export type EscalationConfig = z.infer<typeof escalationSchema>;

/**
 * What a deployment without escalation config does today: one level, every target (the SNS
 * subscriptions keep their own filters: SMS only for critical pages), never climbing.
 */
export const DEFAULT_LEVEL: EscalationLevel = { name: 'on-call', targets: [...PAGE_TARGETS] };

/** The chain for a brand's page of this severity: the configured one, else the single default level. */
export function chainFor(
  escalation: EscalationConfig | undefined,
  severity: EscalationSeverity,
): EscalationLevel[] {
  return escalation?.[severity] ?? [DEFAULT_LEVEL];
}

/** A page's place in its chain, stored on the page and published with it. */
export interface EscalationState {
  /** 1 for the first level. */
  level: number;
  levelName: string;
  /** How many levels the chain has. */
  levels: number;
  targets: PageTargetName[];
  /** When the page climbs if nobody acknowledged it; absent at the last level. */
  escalateAt?: string;
}

/** The state of level `level` (1-based) of a chain, entered at `at`. */
export function levelState(chain: EscalationLevel[], level: number, at: Date): EscalationState {
  const current = chain[level - 1];
  if (!current) throw new RangeError(`the chain has ${chain.length} levels, not ${level}`);
  const wait = level < chain.length && current.escalateAfter ? parseDuration(current.escalateAfter) : null;
  return {
    level,
    levelName: current.name,
    levels: chain.length,
    targets: [...current.targets],
    ...(wait ? { escalateAt: new Date(at.getTime() + wait).toISOString() } : {}),
  };
}

/** What a page's chain must do now. */
export type EscalationStep =
  /** Not due yet, or nothing more to do. */
  | { action: 'wait' }
  /** Acknowledged or stopped (or at its last level): take it off the escalation index. */
  | { action: 'done'; reason: 'acknowledged' | 'stopped' | 'last_level' }
  /** The case was answered or resolved: stop the chain and resolve the incident. */
  | { action: 'stop'; reason: 'answered' | 'resolved' }
  | { action: 'climb'; next: EscalationState };

export interface ChainPage {
  createdAt: string;
  level?: number;
  escalateAt?: string;
  acknowledgedAt?: string;
  stoppedAt?: string;
}

/** The case a page is about, as far as its chain cares. */
export interface ChainCase {
  status: string;
  lastAgentReplyAt?: string;
}

/** Whether the case no longer needs on-call: resolved (or closed), or answered by an agent since the page. */
export function caseSettles(
  careCase: ChainCase | undefined,
  pageCreatedAt: string,
): 'answered' | 'resolved' | undefined {
  if (!careCase) return undefined;
  if (careCase.status !== 'open') return 'resolved';
  if (careCase.lastAgentReplyAt && careCase.lastAgentReplyAt >= pageCreatedAt) return 'answered';
  return undefined;
}

/**
 * The decision for one page the monitor found due: acknowledged or stopped pages leave the index; a
 * page whose case was answered or resolved stops; an unacknowledged page whose wait is over climbs one
 * level (never more than one per run, never past the last).
 */
export function nextEscalationStep(
  page: ChainPage,
  chain: EscalationLevel[],
  careCase: ChainCase | undefined,
  now: Date,
): EscalationStep {
  if (page.stoppedAt) return { action: 'done', reason: 'stopped' };
  const settled = caseSettles(careCase, page.createdAt);
  if (settled) return { action: 'stop', reason: settled };
  if (page.acknowledgedAt) return { action: 'done', reason: 'acknowledged' };
  const level = page.level ?? 1;
  if (level >= chain.length) return { action: 'done', reason: 'last_level' };
  if (!page.escalateAt || page.escalateAt > now.toISOString()) return { action: 'wait' };
  return { action: 'climb', next: levelState(chain, level + 1, now) };
}

/** Whether a page at this state goes to the target (no state: a page from before chains, every target). */
export function pageGoesTo(page: { targets?: readonly string[] }, target: PageTargetName): boolean {
  return !page.targets || page.targets.includes(target);
}
