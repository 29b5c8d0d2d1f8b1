import * as z from 'zod';
import { autoCloseSchema } from './auto-close-config';
import { calendarSchema } from './calendar';
import { parseDuration } from './duration';
import { escalationSchema } from './escalation';
import { knowledgeBaseSchema, voiceLinkProblems, voiceSchema } from './faq/knowledge-base';
import { ACCOUNT_ROLES, type AccountRole, PLATFORMS, type Platform } from './interaction';
import { routingSchema } from './routing/rules';
import { buildListeningQuery, MAX_SEARCH_QUERY_LENGTH } from './x-intake/listening';

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

const duration = z.string().refine((value) => parseDuration(value) !== null, {
  message: 'expected a duration such as "15m", "1h" or "4h"',
});

const byPriority = z.strictObject({ urgent: duration, high: duration, normal: duration, low: duration });

/** Defaults drawn from the field (docs/architecture.md, Deadlines): most customers expect an answer within the hour. */
export const DEFAULT_DEADLINES = {
  firstResponse: { urgent: '15m', high: '30m', normal: '1h', low: '4h' },
  nextResponse: { urgent: '15m', high: '30m', normal: '1h', low: '4h' },
  resolution: '24h',
} as const;

export const DEFAULT_MOVED_TO_PRIVATE =
  "We've sent you a direct message so we can look into this with your details.";

export const DEFAULT_OUT_OF_HOURS =
  'Thanks for your message. Our team is away right now and back {opensAt} ({timezone}); a colleague will answer you then.';

export const X_RECEIVE_MODES = ['webhook', 'poll'] as const;
export type XReceiveMode = (typeof X_RECEIVE_MODES)[number];

const accountSchema = z.strictObject({
  platform: z.enum(PLATFORMS),
  id: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'expected the platform id of the account (digits for X)'),
  handle: z.string().min(1),
  role: z.enum(ACCOUNT_ROLES),
  /**
   * X only: how the account's mentions and DMs reach us. `webhook` (X Activity API events on
   * /webhooks/x) or `poll` (the mentions timeline and DM events, read every minute) for apps without
   * webhook access. Absent: webhook.
   */
  receive: z.enum(X_RECEIVE_MODES).optional(),
});

/**
 * X's pay-per-use prices in US dollars per resource read, from docs.x.com "X API pay-per-usage pricing"
 * (x-api/getting-started/pricing.mdx, xdevplatform/docs as of 13 August 2026): owned reads such as the
 * mentions timeline $0.001 a post, other post reads (recent search) $0.005, DM events $0.010.
 */
export const X_READ_PRICES_USD = { mentions: 0.001, search: 0.005, dmEvents: 0.01 } as const;

const usd = z.number().nonnegative();

const xIntakeSchema = z.strictObject({
  /** What X reads (polling and listening) may cost this brand per calendar month (UTC), in US dollars. */
  monthlySpendCapUsd: z.number().positive().default(50),
  /** Share of the cap at which on-call is warned (0.8 = 80%); at 100% polling and search stop. */
  warnAtShare: z.number().gt(0).lt(1).default(0.8),
  /** Price per resource read; defaults are X's published pay-per-use prices (X_READ_PRICES_USD). */
  pricesUsd: z
    .strictObject({
      mentions: usd.default(X_READ_PRICES_USD.mentions),
      search: usd.default(X_READ_PRICES_USD.search),
      dmEvents: usd.default(X_READ_PRICES_USD.dmEvents),
    })
    .default({ ...X_READ_PRICES_USD }),
});

const listeningSchema = z.strictObject({
  /**
   * Words and phrases about the brand, matched with X's recent search: "demo air", "#demoair",
   * misspellings. Posts that also mention one of our accounts come by the mentions path instead.
   */
  keywords: z.array(z.string().trim().min(2).max(100)).max(20).default([]),
  /** Languages to search in (X `lang:` operator), e.g. ["en", "nl"]; empty: all. */
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).default([]),
});

const brandSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a short lowercase id such as "demoair"'),
  name: z.string().min(1),
  accounts: z.array(accountSchema).min(1, 'a brand needs at least one account'),
  deadlines: z
    .strictObject({
      firstResponse: byPriority.default(DEFAULT_DEADLINES.firstResponse),
      nextResponse: byPriority.default(DEFAULT_DEADLINES.nextResponse),
      resolution: duration.default(DEFAULT_DEADLINES.resolution),
      /** Per-channel policies ("x", "x:private", "facebook", "generic"...), each field optional. */
      byChannel: z
        .record(
          z.string(),
          z.strictObject({
            firstResponse: byPriority.partial().optional(),
            nextResponse: byPriority.partial().optional(),
            resolution: duration.optional(),
          }),
        )
        .default({}),
      /** Share of a deadline's working time after which on-call is warned (0.8 = 80%). */
      warnAtShare: z.number().gt(0).lt(1).optional(),
      /** How long after a breach the one repeat page goes out. */
      repeatPageAfter: duration.optional(),
    })
    .default({ ...DEFAULT_DEADLINES, byChannel: {} }),
  /** Cases waiting on the customer close after this much working time (core/auto-close.ts). Absent: never. */
  autoClose: autoCloseSchema.optional(),
  /** When the care team works: deadline clocks run only then. Absent: around the clock, UTC. */
  calendar: calendarSchema.default({ timezone: 'UTC', exceptions: [] }),
  /** Reading X by polling and search: the monthly spend cap and X's prices. */
  xIntake: xIntakeSchema.default({
    monthlySpendCapUsd: 50,
    warnAtShare: 0.8,
    pricesUsd: { ...X_READ_PRICES_USD },
  }),
  /** Listening beyond @mentions: brand keywords searched on X every minute. */
  listening: listeningSchema.default({ keywords: [], languages: [] }),
  /** Extra words that signal legal, safety or media risk for this brand, on top of the built-in ones. */
  riskTerms: z.array(z.string().min(2)).default([]),
  /**
   * What posts are about (core/topics.ts): the first topic with the most keyword and example-phrase
   * evidence, on the case and in `socialcare triage`; none: null.
   */
  topics: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        keywords: z.array(z.string().min(2)).min(1),
        examples: z.array(z.string().min(3)).default([]),
      }),
    )
    .default([]),
  /** Teams and ordered routing rules (core/routing/rules.ts): the default until a supervisor saves others. */
  routing: routingSchema.optional(),
  /** What the FAQ bot may answer: fares, places, locations and their hours, allowed link domains. */
  knowledgeBase: knowledgeBaseSchema.optional(),
  /** The bot's replies in the brand's voice; every template has a default. */
  voice: voiceSchema,
  bot: z
    .strictObject({
      /** At most this many automatic replies to one customer per hour; more go to the care queue. */
      maxRepliesPerCustomerPerHour: z.number().int().min(1).max(100).default(3),
      /** Platform ids or handles of other automated accounts: the bot never answers a bot. */
      knownBots: z.array(z.string().min(1)).default([]),
    })
    .default({ maxRepliesPerCustomerPerHour: 3, knownBots: [] }),
  /** How agents reply: signature in public replies, allowed links, canned replies in the brand's voice. */
  agentDesk: z
    .strictObject({
      /** Public replies end with the agent's initials (" ^JD") or name (" – Jo"), or nothing. */
      signature: z.enum(['none', 'initials', 'name']).default('none'),
      /** Links agents may send; the knowledge base's allowed domains are always allowed too. */
      allowedLinkDomains: z.array(z.string().min(3)).default([]),
      cannedReplies: z
        .array(
          z.strictObject({
            id: z.string().regex(/^[a-z0-9-]+$/),
            title: z.string().min(1),
            text: z.string().min(1),
          }),
        )
        .default([]),
      /** The short public note when an agent takes a conversation to direct messages. */
      movedToPrivateNote: z.string().min(1).default(DEFAULT_MOVED_TO_PRIVATE),
    })
    .default({
      signature: 'none',
      allowedLinkDomains: [],
      cannedReplies: [],
      movedToPrivateNote: DEFAULT_MOVED_TO_PRIVATE,
    }),
  /** Sent once per case from the care account when a post arrives outside the care team's hours. */
  acknowledgements: z
    .strictObject({
      outOfHours: z
        .string()
        .min(1)
        .refine((t) => t.includes('{opensAt}'), {
          message: 'must say when a person will answer: include {opensAt}',
        })
        .default(DEFAULT_OUT_OF_HOURS),
    })
    .default({ outOfHours: DEFAULT_OUT_OF_HOURS }),
  /** Escalation chains per page severity (core/escalation.ts); absent: one level, every target. */
  escalation: escalationSchema.optional(),
});

const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    brands: z.array(brandSchema).min(1, 'the config needs at least one brand'),
    /** Deployment-wide Meta settings: the Graph API version (known versions and expiry: channels/meta/graph-api.ts). */
    meta: z
      .strictObject({
        graphApiVersion: z.string().regex(/^v\d+\.\d+$/, 'expected a Graph API version such as "v25.0"'),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
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
  });

/** A brand's listening search query (empty without keywords). */
export function listeningQuery(brand: {
  accounts: Array<{ platform: string; handle: string }>;
  listening: { keywords: string[]; languages: string[] };
}): string {
  return buildListeningQuery(
    brand.listening.keywords,
    brand.listening.languages,
    brand.accounts.filter((a) => a.platform === 'x').map((a) => a.handle),
  );
}

export type BrandConfig = z.infer<typeof configSchema>;
export type Brand = BrandConfig['brands'][number];
export type BrandAccount = Brand['accounts'][number];

export class BrandConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'BrandConfigError';
  }
}

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

export interface ResolvedAccount {
  brand: Brand;
  account: BrandAccount;
}

/** Looks up which brand and role an account id belongs to: the routing table of the webhooks. */
export class BrandDirectory {
  private readonly accounts = new Map<string, ResolvedAccount>();
  private readonly brands = new Map<string, Brand>();

  constructor(readonly config: BrandConfig) {
    for (const brand of config.brands) {
      this.brands.set(brand.id, brand);
      for (const account of brand.accounts) {
        this.accounts.set(`${account.platform}:${account.id}`, { brand, account });
      }
    }
  }

  findAccount(platform: Platform, id: string): ResolvedAccount | undefined {
    return this.accounts.get(`${platform}:${id}`);
  }

  /** True for any account of any configured brand: our own posts never open a case. */
  isOwnAccount(platform: Platform, id: string): boolean {
    return this.accounts.has(`${platform}:${id}`);
  }

  brand(id: string): Brand | undefined {
    return this.brands.get(id);
  }

  careAccount(brandId: string, platform: Platform): BrandAccount | undefined {
    return this.brands.get(brandId)?.accounts.find((a) => a.platform === platform && a.role === 'care');
  }

  get allBrands(): Brand[] {
    return this.config.brands;
  }

  /**
   * How each X account receives: its `receive` in the config (default webhook), or poll for every
   * account when forced (SOCIALCARE_X_RECEIVE=poll locally).
   */
  xReceiveMode(account: BrandAccount, forced?: XReceiveMode): XReceiveMode {
    return forced ?? account.receive ?? 'webhook';
  }

  /** The brand's escalation chains (core/escalation.ts); undefined: one level, every target. */
  escalationOf(brandId: string) {
    return this.brands.get(brandId)?.escalation;
  }

  roleOf(platform: Platform, id: string): AccountRole | undefined {
    return this.accounts.get(`${platform}:${id}`)?.account.role;
  }
}
