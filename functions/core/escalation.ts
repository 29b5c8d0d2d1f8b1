import * as z from 'zod';
import { parseDuration } from './duration';

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

const waitSchema = z.string().refine((value) => parseDuration(value) !== null, {
  message: 'expected a duration such as "10m" or "1h"',
});

const levelSchema = z.strictObject({
  /** Who this level is, as people say it: "team lead", "duty manager", "head of care". */
  name: z.string().trim().min(1).max(60),
  /** Where the page goes at this level (the SNS e-mail/SMS subscribers, Slack, PagerDuty). */
  targets: z.array(z.enum(PAGE_TARGETS)).min(1, 'name at least one of email, sms, slack, pagerduty'),
  /** How long the page waits for an acknowledgement before it climbs to the next level. */
  escalateAfter: waitSchema.optional(),
});
export type EscalationLevel = z.infer<typeof levelSchema>;

const chainSchema = z.array(levelSchema).min(1, 'a chain needs at least one level').max(10);

/**
 * The brand config's `escalation`: a chain per severity. A severity left out keeps today's single
 * level (every target, no climbing).
 */
export const escalationSchema = z
  .strictObject({
    warning: chainSchema.optional(),
    critical: chainSchema.optional(),
  })
  .superRefine((chains, ctx) => {
    for (const severity of ESCALATION_SEVERITIES) {
      const chain = chains[severity];
      if (!chain) continue;
      chain.forEach((level, i) => {
        const last = i === chain.length - 1;
        if (!last && !level.escalateAfter) {
          ctx.addIssue({
            code: 'custom',
            path: [severity, i, 'escalateAfter'],
            message: `level "${level.name}" needs escalateAfter: how long before the page climbs to "${chain[i + 1]!.name}"`,
          });
        }
        if (last && level.escalateAfter) {
          ctx.addIssue({
            code: 'custom',
            path: [severity, i, 'escalateAfter'],
            message: `level "${level.name}" is the last one: there is no level to climb to`,
          });
        }
      });
    }
  });
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
