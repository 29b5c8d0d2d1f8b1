import { parseDuration } from '../duration';
import * as z from '../schema';

/**
 * The schema of teams and routing rules (rules.ts has the policy): checked where rules enter (the brand
 * config at synth and start, a supervisor's PUT /api/routing), so the triage bundle carries no validator.
 */

const DEFAULT_STICKY_WINDOW = '7d';
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
