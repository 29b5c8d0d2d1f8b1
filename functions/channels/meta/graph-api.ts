import { createHmac } from 'node:crypto';
import { ConfigError } from '../../commons/env';
import type { BrandConfig } from '../../core/brand-config';

/**
 * Graph API versions and the dates Meta published for them (expiry: the day calls to that version stop
 * working). Source: Meta's "Graph API changelog: Versions" table,
 * https://developers.facebook.com/docs/graph-api/changelog/versions/ (read 2026-12-03; v26.0 has no
 * published expiry yet). When Meta publishes a new version, add it here; unit test
 * test/unit/graph-api-version.test.ts fails when the version in use is within 60 days of its expiry.
 */
export const GRAPH_API_VERSIONS: Readonly<Record<string, { released: string; expires?: string }>> = {
  'v26.0': { released: '2026-07-29' },
  'v25.0': { released: '2026-02-18', expires: '2028-07-29' },
  'v24.0': { released: '2025-10-08', expires: '2028-02-18' },
  'v23.0': { released: '2025-05-29', expires: '2027-10-08' },
  'v22.0': { released: '2025-01-21', expires: '2027-05-20' },
  'v21.0': { released: '2024-10-02', expires: '2027-01-21' },
  'v20.0': { released: '2024-05-21', expires: '2026-09-24' },
};

/**
 * The Graph API every Meta call here goes to (sends in meta-sender.ts, mention reads in
 * instagram-mentions.ts) unless the brand config's `meta.graphApiVersion` or META_GRAPH_API_VERSION
 * names another. v25.0 rather than the newest (v26.0): its expiry is published, so the test can watch it.
 */
export const GRAPH_API_VERSION = 'v25.0';
export const GRAPH_API_BASE_URL = 'https://graph.facebook.com';

/**
 * The version to call: META_GRAPH_API_VERSION, else the config's `meta.graphApiVersion`, else the
 * default. Checked once at start: a version missing from the table (its expiry unknown) or already
 * expired fails with a clear message instead of every Meta call failing later.
 */
export function resolveGraphApiVersion(
  options: { config?: Pick<BrandConfig, 'meta'>; env?: string | undefined; now?: Date } = {},
): string {
  const fromEnv = options.env?.trim();
  const version = fromEnv || options.config?.meta?.graphApiVersion || GRAPH_API_VERSION;
  const where = fromEnv
    ? 'META_GRAPH_API_VERSION'
    : options.config?.meta
      ? 'meta.graphApiVersion'
      : 'default';
  const known = GRAPH_API_VERSIONS[version];
  if (!known) {
    throw new ConfigError(
      `${where}: Graph API version "${version}" is not one socialcare knows (${Object.keys(GRAPH_API_VERSIONS).join(', ')}); add it with its published dates to functions/channels/meta/graph-api.ts`,
    );
  }
  const now = options.now ?? new Date();
  if (known.expires && Date.parse(`${known.expires}T00:00:00Z`) <= now.getTime()) {
    throw new ConfigError(`${where}: Graph API version ${version} expired on ${known.expires}`);
  }
  return version;
}

/** Days from `now` until the version expires; undefined while Meta has published no expiry. */
export function daysUntilGraphExpiry(version: string, now: Date): number | undefined {
  const expires = GRAPH_API_VERSIONS[version]?.expires;
  if (!expires) return undefined;
  return Math.floor((Date.parse(`${expires}T00:00:00Z`) - now.getTime()) / 86_400_000);
}

/** `appsecret_proof`: HMAC-SHA256 of the access token with the app secret, hex, for apps that require it. */
export function appSecretProof(appSecret: string, token: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}
