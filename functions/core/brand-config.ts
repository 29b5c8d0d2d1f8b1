import type { configSchema } from './brand-config-schema';
import type { AccountRole, Platform } from './interaction';
import type * as z from './schema';
import { buildListeningQuery } from './x-intake/listening';

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

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

/**
 * X's pay-per-use prices in US dollars per resource read, from docs.x.com "X API pay-per-usage pricing"
 * (x-api/getting-started/pricing.mdx, xdevplatform/docs as of 13 August 2026): owned reads such as the
 * mentions timeline $0.001 a post, other post reads (recent search) $0.005, DM events $0.010.
 */
export const X_READ_PRICES_USD = { mentions: 0.001, search: 0.005, dmEvents: 0.01 } as const;

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

/**
 * A brand config as validated by configSchema (brand-config-schema.ts: parseBrandConfig), where it
 * enters: synth, `socialcare start`, the CLI.
 */
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
