import { parseDuration } from '../duration';
import * as z from '../schema';

/**
 * Teams and routing rules: which team a new case goes to, decided once when the case opens, by the
 * first rule whose every condition holds (a rule with no conditions matches everything). Each case
 * says which rule routed it and why, like its priority reasons. The brand config holds the default
 * rules; supervisors replace them at run time through the agent API (stored, versioned, audited).
 */

const TEAM_ID = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a team id: lower-case letters, digits, - and _'));
const RULE_ID = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a rule id: lower-case letters, digits, - and _'));
const SENTIMENT_LABELS = ['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED'] as const;
const PRIORITY_LEVELS = ['urgent', 'high', 'normal', 'low'] as const;
// biome-ignore lint/suspicious/noExplicitAny: any zod mini schema
const some = <T extends z.ZodMiniType<any>>(item: T) =>
  z.optional(z.array(item).check(z.minLength(1), z.maxLength(100)));

export const DEFAULT_STICKY_WINDOW = '7d';
/** Open cases an agent works at once when the registry gives no capacity. */
export const DEFAULT_CAPACITY = 5;

export const ruleConditionsSchema = z.strictObject({
  /** "x", "facebook", "instagram", "generic", optionally ":public" or ":private". */
  channel: some(
    z
      .string()
      .check(
        z.regex(
          /^(x|facebook|instagram|generic)(:(public|private))?$/,
          'a channel such as "x" or "x:private"',
        ),
      ),
  ),
  /** Our account the customer wrote to: its platform id or handle (with or without @). */
  account: some(z.string().check(z.minLength(1))),
  /** The post's language code ("en", "nl"). */
  language: some(z.string().check(z.regex(/^[a-z]{2,3}$/, 'a language code such as "en"'))),
  /** The brand topic triage read (config `topics`). */
  topic: some(z.string().check(z.minLength(1))),
  /** Whole words or phrases in the post, case-insensitive (a plural or verb ending allowed). */
  keywords: some(z.string().check(z.trim(), z.minLength(2))),
  /** The location code the case was tagged with. */
  location: some(z.string().check(z.minLength(1))),
  sentiment: some(z.enum(SENTIMENT_LABELS)),
  priority: some(z.enum(PRIORITY_LEVELS)),
  /** The customer is (true) or is not (false) on the brand's VIP list. */
  vip: z.optional(z.boolean()),
  /** The author has at least this many followers. */
  minFollowers: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** `listening`: found by keyword search; `addressed`: written to one of our accounts. */
  source: z.optional(z.enum(['listening', 'addressed'])),
  /** Triage's needs-a-reply reading. */
  needsReply: z.optional(z.boolean()),
});
export type RuleConditions = z.infer<typeof ruleConditionsSchema>;

export const routingRuleSchema = z.strictObject({
  id: RULE_ID,
  team: TEAM_ID,
  when: z._default(ruleConditionsSchema, {}),
});
export type RoutingRule = z.infer<typeof routingRuleSchema>;

const routingShape = z.strictObject({
  teams: z._default(
    z
      .array(
        z.strictObject({ id: TEAM_ID, name: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)) }),
      )
      .check(z.maxLength(200)),
    [],
  ),
  /** In order: the first that matches picks the team. */
  rules: z._default(z.array(routingRuleSchema).check(z.maxLength(500)), []),
  /** Where a case goes when no rule matches; absent: the brand's shared queue (no team). */
  defaultTeam: z.optional(TEAM_ID),
  /** VIP customers: "x:<user id>", "facebook:<id>" or "@handle". */
  vips: z._default(
    z.array(z.string().check(z.trim(), z.minLength(2), z.maxLength(200))).check(z.maxLength(10_000)),
    [],
  ),
  /** A returning customer goes back to their last agent when that case closed within this window. */
  stickyWindow: z._default(
    z
      .string()
      .check(z.refine((v) => parseDuration(v) !== null, { message: 'a duration such as "7d" or "48h"' })),
    DEFAULT_STICKY_WINDOW,
  ),
});

export const routingSchema = routingShape.check(
  z.superRefine((routing, ctx) => {
    const teams = new Set<string>();
    routing.teams.forEach((team, i) => {
      if (teams.has(team.id))
        ctx.addIssue({
          code: 'custom',
          path: ['teams', i, 'id'],
          message: `team "${team.id}" is listed twice`,
        });
      teams.add(team.id);
    });
    const rules = new Set<string>();
    routing.rules.forEach((rule, i) => {
      if (rules.has(rule.id))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: `rule "${rule.id}" is listed twice`,
        });
      rules.add(rule.id);
      if (!teams.has(rule.team))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'team'],
          message: `no team "${rule.team}" in teams`,
        });
    });
    if (routing.defaultTeam && !teams.has(routing.defaultTeam))
      ctx.addIssue({
        code: 'custom',
        path: ['defaultTeam'],
        message: `no team "${routing.defaultTeam}" in teams`,
      });
  }),
);
export type RoutingConfig = z.infer<typeof routingSchema>;

export const EMPTY_ROUTING: RoutingConfig = {
  teams: [],
  rules: [],
  vips: [],
  stickyWindow: DEFAULT_STICKY_WINDOW,
};

export class RoutingRulesError extends Error {
  constructor(readonly problems: string[]) {
    super(`the routing rules are invalid: ${problems.join('; ')}`);
    this.name = 'RoutingRulesError';
  }
}

/** Checks routing rules sent at run time: every problem named with its path. */
export function parseRouting(value: unknown): RoutingConfig {
  const result = routingSchema.safeParse(value);
  if (result.success) return result.data;
  throw new RoutingRulesError(
    result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
  );
}

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
