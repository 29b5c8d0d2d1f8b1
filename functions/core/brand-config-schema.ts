import { autoCloseSchema } from './auto-close-schema';
import {
  type BrandConfig,
  BrandConfigError,
  DEFAULT_DEADLINES,
  DEFAULT_MOVED_TO_PRIVATE,
  DEFAULT_OUT_OF_HOURS,
  listeningQuery,
  X_READ_PRICES_USD,
  X_RECEIVE_MODES,
} from './brand-config';
import { calendarSchema } from './calendar-schema';
import { parseDuration } from './duration';
import { escalationSchema } from './escalation-schema';
import { voiceLinkProblems } from './faq/knowledge-base';
import { knowledgeBaseSchema, voiceSchema } from './faq/knowledge-base-schema';
import { ACCOUNT_ROLES, PLATFORMS } from './interaction';
import * as z from './schema';
import { MAX_SEARCH_QUERY_LENGTH } from './x-intake/listening';

/**
 * The brand config's schema (the types and the code that reads a config are in brand-config.ts).
 * A config is validated where it enters: at synth (the stack inlines the result in every bundle),
 * by `socialcare start` and by the CLI. The Lambdas read what the stack validated and never build
 * these schemas, which would cost every cold start.
 */

const duration = z.string().check(
  z.refine((value) => parseDuration(value) !== null, {
    message: 'expected a duration such as "15m", "1h" or "4h"',
  }),
);

const byPriority = z.strictObject({ urgent: duration, high: duration, normal: duration, low: duration });

const accountSchema = z.strictObject({
  platform: z.enum(PLATFORMS),
  id: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_.:-]+$/, 'expected the platform id of the account (digits for X)')),
  handle: z.string().check(z.minLength(1)),
  role: z.enum(ACCOUNT_ROLES),
  /**
   * X only: how the account's mentions and DMs reach us. `webhook` (X Activity API events on
   * /webhooks/x) or `poll` (the mentions timeline and DM events, read every minute) for apps without
   * webhook access. Absent: webhook.
   */
  receive: z.optional(z.enum(X_RECEIVE_MODES)),
});

const usd = z.number().check(z.nonnegative());

const xIntakeSchema = z.strictObject({
  /** What X reads (polling and listening) may cost this brand per calendar month (UTC), in US dollars. */
  monthlySpendCapUsd: z._default(z.number().check(z.positive()), 50),
  /** Share of the cap at which on-call is warned (0.8 = 80%); at 100% polling and search stop. */
  warnAtShare: z._default(z.number().check(z.gt(0), z.lt(1)), 0.8),
  /** Price per resource read; defaults are X's published pay-per-use prices (X_READ_PRICES_USD). */
  pricesUsd: z._default(
    z.strictObject({
      mentions: z._default(usd, X_READ_PRICES_USD.mentions),
      search: z._default(usd, X_READ_PRICES_USD.search),
      dmEvents: z._default(usd, X_READ_PRICES_USD.dmEvents),
    }),
    { ...X_READ_PRICES_USD },
  ),
});

const listeningSchema = z.strictObject({
  /**
   * Words and phrases about the brand, matched with X's recent search: "demo air", "#demoair",
   * misspellings. Posts that also mention one of our accounts come by the mentions path instead.
   */
  keywords: z._default(
    z.array(z.string().check(z.trim(), z.minLength(2), z.maxLength(100))).check(z.maxLength(20)),
    [],
  ),
  /** Languages to search in (X `lang:` operator), e.g. ["en", "nl"]; empty: all. */
  languages: z._default(z.array(z.string().check(z.regex(/^[a-z]{2,3}$/))), []),
});

const brandSchema = z.strictObject({
  id: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a short lowercase id such as "demoair"')),
  name: z.string().check(z.minLength(1)),
  accounts: z.array(accountSchema).check(z.minLength(1, 'a brand needs at least one account')),
  deadlines: z._default(
    z.strictObject({
      firstResponse: z._default(byPriority, DEFAULT_DEADLINES.firstResponse),
      nextResponse: z._default(byPriority, DEFAULT_DEADLINES.nextResponse),
      resolution: z._default(duration, DEFAULT_DEADLINES.resolution),
      /** Per-channel policies ("x", "x:private", "facebook", "generic"...), each field optional. */
      byChannel: z._default(
        z.record(
          z.string(),
          z.strictObject({
            firstResponse: z.optional(z.partial(byPriority)),
            nextResponse: z.optional(z.partial(byPriority)),
            resolution: z.optional(duration),
          }),
        ),
        {},
      ),
      /** Share of a deadline's working time after which on-call is warned (0.8 = 80%). */
      warnAtShare: z.optional(z.number().check(z.gt(0), z.lt(1))),
      /** How long after a breach the one repeat page goes out. */
      repeatPageAfter: z.optional(duration),
    }),
    { ...DEFAULT_DEADLINES, byChannel: {} },
  ),
  /** Cases waiting on the customer close after this much working time (core/auto-close.ts). Absent: never. */
  autoClose: z.optional(autoCloseSchema),
  /** When the care team works: deadline clocks run only then. Absent: around the clock, UTC. */
  calendar: z._default(calendarSchema, { timezone: 'UTC', exceptions: [] }),
  /** Reading X by polling and search: the monthly spend cap and X's prices. */
  xIntake: z._default(xIntakeSchema, {
    monthlySpendCapUsd: 50,
    warnAtShare: 0.8,
    pricesUsd: { ...X_READ_PRICES_USD },
  }),
  /** Listening beyond @mentions: brand keywords searched on X every minute. */
  listening: z._default(listeningSchema, { keywords: [], languages: [] }),
  /** Extra words that signal legal, safety or media risk for this brand, on top of the built-in ones. */
  riskTerms: z._default(z.array(z.string().check(z.minLength(2))), []),
  /**
   * What posts are about (core/topics.ts): the first topic with the most keyword and example-phrase
   * evidence, on the case and in `socialcare triage`; none: null.
   */
  topics: z._default(
    z.array(
      z.strictObject({
        name: z.string().check(z.minLength(1)),
        keywords: z.array(z.string().check(z.minLength(2))).check(z.minLength(1)),
        examples: z._default(z.array(z.string().check(z.minLength(3))), []),
      }),
    ),
    [],
  ),
  /** What the FAQ bot may answer: fares, places, locations and their hours, allowed link domains. */
  knowledgeBase: z.optional(knowledgeBaseSchema),
  /** The bot's replies in the brand's voice; every template has a default. */
  voice: voiceSchema,
  bot: z._default(
    z.strictObject({
      /** At most this many automatic replies to one customer per hour; more go to the care queue. */
      maxRepliesPerCustomerPerHour: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 3),
      /** Platform ids or handles of other automated accounts: the bot never answers a bot. */
      knownBots: z._default(z.array(z.string().check(z.minLength(1))), []),
    }),
    { maxRepliesPerCustomerPerHour: 3, knownBots: [] },
  ),
  /** How agents reply: signature in public replies, allowed links, canned replies in the brand's voice. */
  agentDesk: z._default(
    z.strictObject({
      /** Public replies end with the agent's initials (" ^JD") or name (" – Jo"), or nothing. */
      signature: z._default(z.enum(['none', 'initials', 'name']), 'none'),
      /** Links agents may send; the knowledge base's allowed domains are always allowed too. */
      allowedLinkDomains: z._default(z.array(z.string().check(z.minLength(3))), []),
      cannedReplies: z._default(
        z.array(
          z.strictObject({
            id: z.string().check(z.regex(/^[a-z0-9-]+$/)),
            title: z.string().check(z.minLength(1)),
            text: z.string().check(z.minLength(1)),
          }),
        ),
        [],
      ),
      /** The short public note when an agent takes a conversation to direct messages. */
      movedToPrivateNote: z._default(z.string().check(z.minLength(1)), DEFAULT_MOVED_TO_PRIVATE),
    }),
    {
      signature: 'none',
      allowedLinkDomains: [],
      cannedReplies: [],
      movedToPrivateNote: DEFAULT_MOVED_TO_PRIVATE,
    },
  ),
  /** Sent once per case from the care account when a post arrives outside the care team's hours. */
  acknowledgements: z._default(
    z.strictObject({
      outOfHours: z._default(
        z.string().check(
          z.minLength(1),
          z.refine((t) => t.includes('{opensAt}'), {
            message: 'must say when a person will answer: include {opensAt}',
          }),
        ),
        DEFAULT_OUT_OF_HOURS,
      ),
    }),
    { outOfHours: DEFAULT_OUT_OF_HOURS },
  ),
  /** Escalation chains per page severity (core/escalation.ts); absent: one level, every target. */
  escalation: z.optional(escalationSchema),
});

export const configSchema = z
  .strictObject({
    $schema: z.optional(z.string()),
    brands: z.array(brandSchema).check(z.minLength(1, 'the config needs at least one brand')),
    /** Deployment-wide Meta settings: the Graph API version (known versions and expiry: channels/meta/graph-api.ts). */
    meta: z.optional(
      z.strictObject({
        graphApiVersion: z
          .string()
          .check(z.regex(/^v\d+\.\d+$/, 'expected a Graph API version such as "v25.0"')),
      }),
    ),
  })
  .check(
    z.superRefine((config, ctx) => {
      const brandIds = new Set<string>();
      const accounts = new Map<string, string>();
      config.brands.forEach((brand, b) => {
        if (brandIds.has(brand.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['brands', b, 'id'],
            message: `brand id "${brand.id}" is used twice`,
          });
        }
        brandIds.add(brand.id);
        brand.accounts.forEach((account, a) => {
          if (account.receive !== undefined && account.platform !== 'x') {
            ctx.addIssue({
              code: 'custom',
              path: ['brands', b, 'accounts', a, 'receive'],
              message: 'receive is an X setting (webhook or poll); other platforms receive by webhook',
            });
          }
          const key = `${account.platform}:${account.id}`;
          const owner = accounts.get(key);
          if (owner) {
            ctx.addIssue({
              code: 'custom',
              path: ['brands', b, 'accounts', a, 'id'],
              message: `${account.platform} account ${account.id} is already configured for brand "${owner}"`,
            });
          }
          accounts.set(key, brand.id);
        });
        const query = listeningQuery(brand).length;
        if (query > MAX_SEARCH_QUERY_LENGTH) {
          ctx.addIssue({
            code: 'custom',
            path: ['brands', b, 'listening', 'keywords'],
            message: `the search query these keywords make is ${query} characters; X takes ${MAX_SEARCH_QUERY_LENGTH} (use fewer or shorter keywords)`,
          });
        }
        if (
          brand.listening.keywords.length &&
          !brand.accounts.some((a) => a.platform === 'x' && a.role === 'care')
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['brands', b, 'listening', 'keywords'],
            message:
              'listening on X needs an X care account (its credentials search and its queue takes the cases)',
          });
        }
        for (const channel of Object.keys(brand.deadlines.byChannel)) {
          if (!/^(x|facebook|instagram|generic)(:(public|private))?$/.test(channel)) {
            ctx.addIssue({
              code: 'custom',
              path: ['brands', b, 'deadlines', 'byChannel', channel],
              message: 'expected a channel such as "x", "x:private", "facebook" or "generic"',
            });
          }
        }
        if (brand.knowledgeBase) {
          for (const problem of voiceLinkProblems(brand.voice, brand.knowledgeBase)) {
            ctx.addIssue({
              code: 'custom',
              path: ['brands', b, 'voice', ...problem.path],
              message: problem.message,
            });
          }
        }
      });
    }),
  );

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, '');
}

/** Validates a parsed brand config; every problem is collected into one error naming each bad field. */
export function parseBrandConfig(value: unknown, source = 'brand config'): BrandConfig {
  const result = configSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`,
  );
  throw new BrandConfigError(`${source} is invalid:\n  - ${problems.join('\n  - ')}`, problems);
}

export function parseBrandConfigJson(json: string, source = 'brand config'): BrandConfig {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new BrandConfigError(`${source} is not valid JSON: ${(error as Error).message}`, [
      '(root): not JSON',
    ]);
  }
  return parseBrandConfig(value, source);
}
