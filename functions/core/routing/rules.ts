import type { RoutingConfig } from './rules-input';

export type { RoutingConfig } from './rules-input';

/**
 * Teams and routing rules: which team a new case goes to, decided once when the case opens, by the
 * first rule whose every condition holds (a rule with no conditions matches everything). Each case
 * says which rule routed it and why, like its priority reasons. The brand config holds the default
 * rules; supervisors replace them at run time through the agent API (stored, versioned, audited).
 */

export const DEFAULT_STICKY_WINDOW = '7d';
/** Open cases an agent works at once when the registry gives no capacity. */
export const DEFAULT_CAPACITY = 5;
const SENTIMENT_LABELS = ['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED'] as const;
const PRIORITY_LEVELS = ['urgent', 'high', 'normal', 'low'] as const;
type RuleConditions = RoutingConfig['rules'][number]['when'];

export const EMPTY_ROUTING: RoutingConfig = {
  teams: [],
  rules: [],
  vips: [],
  stickyWindow: DEFAULT_STICKY_WINDOW,
};

/** What triage knows about a new case, as the rules read it. */
export interface RoutingFacts {
  platform: string;
  visibility: 'public' | 'private';
  accountId: string;
  accountHandle?: string;
  language?: string;
  topic?: string | null;
  /** The (masked) text of the opening post: keywords are looked for in it. */
  text: string;
  location?: string;
  sentiment: (typeof SENTIMENT_LABELS)[number];
  priority: (typeof PRIORITY_LEVELS)[number];
  customer: { platform: string; id: string; handle?: string };
  followers?: number;
  source: 'listening' | 'addressed';
  needsReply?: boolean;
}

/** What the rules read about a new case beyond the case itself (kept on it, so a dry run can replay). */
export type RoutingExtras = Pick<
  RoutingFacts,
  'language' | 'topic' | 'location' | 'followers' | 'needsReply' | 'accountHandle'
>;

export interface RoutingDecision {
  /** Null: no rule matched and there is no default team (the brand's shared queue). */
  team: string | null;
  /** The rule that matched; null for the default team or no team. */
  rule: string | null;
  /** Plain-language reasons: each condition of the rule that held. */
  reasons: string[];
}

const ENDINGS = '(?:s|es|ed|d|ing|er|ers)?';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function keywordPattern(keyword: string): RegExp {
  const body = keyword.toLowerCase().trim().split(/\s+/).map(escapeRegExp).join('\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${body}${ENDINGS}(?=$|[^\\p{L}\\p{N}])`, 'iu');
}

/** Is this customer on the VIP list ("x:123" or "@handle", handles case-insensitive)? */
export function isVip(vips: readonly string[], customer: RoutingFacts['customer']): boolean {
  const key = `${customer.platform}:${customer.id}`;
  const handle = customer.handle ? `@${customer.handle.toLowerCase()}` : undefined;
  return vips.some((v) => v === key || (handle !== undefined && v.toLowerCase() === handle));
}

const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase().replace(/^@/, ''));

/** The reasons a rule's conditions give, or undefined when one of them does not hold. */
export function matchRule(
  when: RuleConditions,
  facts: RoutingFacts,
  vips: readonly string[],
): string[] | undefined {
  const reasons: string[] = [];
  const check = (holds: boolean, reason: string) => {
    if (holds) reasons.push(reason);
    return holds;
  };
  if (when.channel) {
    const channel = `${facts.platform}:${facts.visibility}`;
    const hit = when.channel.find((c) => c === facts.platform || c === channel);
    if (!check(hit !== undefined, `channel ${hit}`)) return undefined;
  }
  if (when.account) {
    const names = lower([facts.accountId, ...(facts.accountHandle ? [facts.accountHandle] : [])]);
    const hit = when.account.find((a) => names.includes(lower([a])[0] as string));
    if (!check(hit !== undefined, `account ${hit}`)) return undefined;
  }
  if (
    when.language &&
    !check(Boolean(facts.language && when.language.includes(facts.language)), `language ${facts.language}`)
  )
    return undefined;
  if (when.topic && !check(Boolean(facts.topic && when.topic.includes(facts.topic)), `topic ${facts.topic}`))
    return undefined;
  if (when.keywords) {
    const hit = when.keywords.find((k) => keywordPattern(k).test(facts.text));
    if (!check(hit !== undefined, `keyword "${hit}"`)) return undefined;
  }
  if (
    when.location &&
    !check(Boolean(facts.location && when.location.includes(facts.location)), `location ${facts.location}`)
  )
    return undefined;
  if (when.sentiment && !check(when.sentiment.includes(facts.sentiment), `sentiment ${facts.sentiment}`))
    return undefined;
  if (when.priority && !check(when.priority.includes(facts.priority), `priority ${facts.priority}`))
    return undefined;
  if (when.vip !== undefined) {
    const vip = isVip(vips, facts.customer);
    if (!check(vip === when.vip, vip ? 'VIP customer' : 'not a VIP')) return undefined;
  }
  if (
    when.minFollowers !== undefined &&
    !check(
      (facts.followers ?? 0) >= when.minFollowers,
      `${facts.followers ?? 0} followers (at least ${when.minFollowers})`,
    )
  )
    return undefined;
  if (when.source && !check(facts.source === when.source, facts.source)) return undefined;
  if (
    when.needsReply !== undefined &&
    !check(facts.needsReply === when.needsReply, facts.needsReply ? 'needs a reply' : 'no reply needed')
  )
    return undefined;
  return reasons;
}

/** The team for a new case: the first rule that matches, else the default team, else none. */
export function routeCase(
  routing: Pick<RoutingConfig, 'rules' | 'defaultTeam' | 'vips'>,
  facts: RoutingFacts,
): RoutingDecision {
  for (const rule of routing.rules) {
    const reasons = matchRule(rule.when, facts, routing.vips);
    if (reasons)
      return { team: rule.team, rule: rule.id, reasons: reasons.length ? reasons : ['matches every case'] };
  }
  if (routing.defaultTeam)
    return { team: routing.defaultTeam, rule: null, reasons: ['no rule matched: default team'] };
  return { team: null, rule: null, reasons: ['no rule matched'] };
}
