import type { Brand, BrandDirectory, ResolvedAccount, XReceiveMode } from '../brand-config';
import { listeningQuery } from '../brand-config';
import type { Interaction } from '../interaction';
import type { Page, PagingDeps } from '../paging';
import { raisePage } from '../paging';
import type { InteractionQueue } from '../queues';
import { formatUsd, readCostMicroUsd, spendLevel, spendMonth, type XReadKind } from './spend';

/**
 * Polling X for brands without webhook access, and listening by keyword search: each stream (an
 * account's mentions, its DM events, a brand's keyword search) is read newest first from where the
 * last run stopped, enqueued like the webhook enqueues, and its cursor advanced only after the enqueue
 * succeeded. A lease per stream keeps two runs from reading the same stream at once; whatever is read
 * twice after a crash is one message downstream (triage is idempotent on the post id).
 */

export type XStream = 'mentions' | 'dm_events' | 'search';

export interface XRateLimit {
  remaining: number;
  resetAt: Date;
}

export type XReadResult =
  | {
      status: 'ok';
      /** What the page holds that we act on, normalized like the webhook does. */
      interactions: Interaction[];
      /** Every post or DM event id on the page, newest first (the ones ignored too). */
      ids: string[];
      /** Posts or DM events returned: what X bills. */
      resources: number;
      nextToken?: string;
      rateLimit?: XRateLimit;
    }
  | { status: 'rate_limited'; resetAt: Date }
  | { status: 'failed'; httpStatus?: number; detail: string };

export interface XReadRequest {
  stream: XStream;
  /** The account whose credentials read (the care account for search). */
  account: ResolvedAccount;
  sinceId?: string;
  paginationToken?: string;
  /** Search only. */
  query?: string;
  signal?: AbortSignal;
}

/** X's read endpoints: the mentions timeline, DM events, recent search. */
export interface XReader {
  read(request: XReadRequest): Promise<XReadResult>;
}

export interface XStreamCursor {
  /** The newest id handed on: the next run reads what is newer. */
  sinceId?: string;
  /** A walk that paused (rate limit, spend cap) part-way: go on from this page, then commit newestId. */
  resume?: { newestId: string; paginationToken: string };
  /** X said no more reads before this instant (ISO). */
  rateLimitedUntil?: string;
}

export interface XPollStateStore {
  /** Takes the stream's lease unless another run holds an unexpired one: the cursor, or undefined. */
  lease(stream: string, owner: string, now: Date, leaseMs: number): Promise<XStreamCursor | undefined>;
  /** Writes the cursor and gives the lease up, if this owner still holds it; false when it lost it. */
  commit(stream: string, owner: string, cursor: XStreamCursor): Promise<boolean>;
  /** Adds a read to the brand's month; returns the month's new total in micro-dollars. */
  addSpend(brandId: string, month: string, resources: number, microUsd: number): Promise<number>;
  spend(brandId: string, month: string): Promise<number>;
}

export interface XPollDeps {
  directory: BrandDirectory;
  reader: XReader;
  state: XPollStateStore;
  queue: InteractionQueue;
  paging: PagingDeps;
  /** SOCIALCARE_X_RECEIVE=poll: every X account polls, whatever the config says. */
  forceReceive?: XReceiveMode;
  /** How long a run may hold a stream before another may take it over (a run that died). */
  leaseMs?: number;
  /** Pages per stream per run, a bound on one run's time and cost. @default 20 */
  maxPages?: number;
  now?: () => Date;
  /** Identifies this run's leases. */
  owner?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface XStreamResult {
  stream: string;
  status: 'read' | 'leased_elsewhere' | 'rate_limited' | 'spend_cap' | 'failed' | 'lost_lease' | 'aborted';
  pages: number;
  enqueued: number;
  resources: number;
  detail?: string;
}

export const DEFAULT_LEASE_MS = 2 * 60_000;

/** The ids are X snowflakes: compare as numbers (a longer id is newer). */
export function newerId(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

interface StreamPlan {
  key: string;
  stream: XStream;
  account: ResolvedAccount;
  brand: Brand;
  kind: XReadKind;
  query?: string;
}

/** What one run reads: every polling account's mentions and DMs, and every brand's keyword search. */
export function planXStreams(directory: BrandDirectory, forceReceive?: XReceiveMode): StreamPlan[] {
  const plans: StreamPlan[] = [];
  for (const brand of directory.allBrands) {
    for (const account of brand.accounts) {
      if (account.platform !== 'x' || directory.xReceiveMode(account, forceReceive) !== 'poll') continue;
      const resolved = { brand, account };
      plans.push({
        key: `mentions:${account.id}`,
        stream: 'mentions',
        account: resolved,
        brand,
        kind: 'mentions',
      });
      plans.push({
        key: `dm_events:${account.id}`,
        stream: 'dm_events',
        account: resolved,
        brand,
        kind: 'dmEvents',
      });
    }
    const query = listeningQuery(brand);
    const care = directory.careAccount(brand.id, 'x');
    if (query && care) {
      plans.push({
        key: `search:${brand.id}`,
        stream: 'search',
        account: { brand, account: care },
        brand,
        kind: 'search',
        query,
      });
    }
  }
  return plans;
}

/** One poll of every planned stream, one after the other. Never throws for one stream's trouble. */
export async function runXPoll(deps: XPollDeps, signal?: AbortSignal): Promise<XStreamResult[]> {
  const results: XStreamResult[] = [];
  for (const plan of planXStreams(deps.directory, deps.forceReceive)) {
    if (signal?.aborted) break;
    try {
      results.push(await pollStream(plan, deps, signal));
    } catch (error) {
      deps.log?.('error', 'x poll stream failed', { stream: plan.key, error: String(error) });
      results.push({
        stream: plan.key,
        status: 'failed',
        pages: 0,
        enqueued: 0,
        resources: 0,
        detail: String(error),
      });
    }
  }
  return results;
}

function spendPage(brand: Brand, month: string, level: 'warn' | 'stop', spent: number, now: Date): Page {
  const cap = brand.xIntake.monthlySpendCapUsd;
  const title =
    level === 'stop'
      ? `[${brand.name}] X reads reached the monthly cap (${formatUsd(spent)} of $${cap.toFixed(2)}): polling and listening stopped until ${month} ends`
      : `[${brand.name}] X reads at ${Math.floor((spent / (cap * 1_000_000)) * 100)}% of the monthly cap (${formatUsd(spent)} of $${cap.toFixed(2)})`;
  return {
    pageId: `x-spend:${brand.id}:${month}:${level}`,
    kind: 'x_spend',
    severity: level === 'stop' ? 'critical' : 'warning',
    brandId: brand.id,
    title,
    text:
      level === 'stop'
        ? `${title}\nMentions and DMs of polling accounts are not read until the cap is raised (xIntake.monthlySpendCapUsd) or the month ends; webhook accounts are not affected.`
        : `${title}\nAt the cap, polling and listening stop. Raise xIntake.monthlySpendCapUsd or trim listening keywords.`,
    createdAt: now.toISOString(),
  };
}

async function pollStream(plan: StreamPlan, deps: XPollDeps, signal?: AbortSignal): Promise<XStreamResult> {
  const now = deps.now?.() ?? new Date();
  const owner = deps.owner ?? `run-${now.getTime()}-${Math.random().toString(36).slice(2, 10)}`;
  const result: XStreamResult = { stream: plan.key, status: 'read', pages: 0, enqueued: 0, resources: 0 };
  const month = spendMonth(now);
  const { brand } = plan;
  const spendCheck = async (spent: number): Promise<'ok' | 'stop'> => {
    const level = spendLevel(spent, brand.xIntake.monthlySpendCapUsd, brand.xIntake.warnAtShare);
    if (level === 'ok') return 'ok';
    await raisePage(spendPage(brand, month, level, spent, now), deps.paging);
    return level === 'stop' ? 'stop' : 'ok';
  };
  if ((await spendCheck(await deps.state.spend(brand.id, month))) === 'stop') {
    return { ...result, status: 'spend_cap' };
  }

  const cursor = await deps.state.lease(plan.key, owner, now, deps.leaseMs ?? DEFAULT_LEASE_MS);
  if (!cursor) return { ...result, status: 'leased_elsewhere' };
  let committed = false;
  const commit = async (next: XStreamCursor, status: XStreamResult['status'], detail?: string) => {
    committed = true;
    const kept = await deps.state.commit(plan.key, owner, next);
    return kept
      ? { ...result, status, ...(detail ? { detail } : {}) }
      : {
          ...result,
          status: 'lost_lease' as const,
          detail: 'another run took the stream over; it reads again',
        };
  };
  try {
    if (cursor.rateLimitedUntil && Date.parse(cursor.rateLimitedUntil) > now.getTime()) {
      return await commit(cursor, 'rate_limited', `until ${cursor.rateLimitedUntil}`);
    }
    const sinceId = cursor.sinceId;
    // The newest id of this walk (its first page) becomes the cursor once the walk reaches sinceId.
    let newestId = cursor.resume?.newestId;
    let token = cursor.resume?.paginationToken;
    // The search starts from now: its first run reads one page, not a week of history.
    const maxPages = plan.stream === 'search' && !sinceId && !token ? 1 : (deps.maxPages ?? 20);
    for (;;) {
      if (signal?.aborted) return { ...result, status: 'aborted' };
      const page = await deps.reader.read({
        stream: plan.stream,
        account: plan.account,
        ...(sinceId && plan.stream !== 'dm_events' ? { sinceId } : {}),
        ...(token ? { paginationToken: token } : {}),
        ...(plan.query ? { query: plan.query } : {}),
        ...(signal ? { signal } : {}),
      });
      if (page.status === 'rate_limited') {
        return await commit(
          { ...cursor, rateLimitedUntil: page.resetAt.toISOString(), ...resumeAt(newestId, token) },
          'rate_limited',
          `429 until ${page.resetAt.toISOString()}`,
        );
      }
      if (page.status === 'failed') {
        deps.log?.('warn', 'x read failed; skipped until the next run', {
          stream: plan.key,
          httpStatus: page.httpStatus,
          detail: page.detail,
        });
        return await commit(cursor, 'failed', page.detail);
      }
      result.pages += 1;
      result.resources += page.resources;
      const spent = page.resources
        ? await deps.state.addSpend(
            brand.id,
            month,
            page.resources,
            readCostMicroUsd(page.resources, brand.xIntake.pricesUsd[plan.kind]),
          )
        : await deps.state.spend(brand.id, month);
      // DM events have no since_id: keep what is newer than the cursor, stop at the first older one.
      const fresh = sinceId
        ? page.interactions.filter((i) => newerId(i.platformMessageId, sinceId))
        : page.interactions;
      if (fresh.length) await deps.queue.enqueue(fresh);
      result.enqueued += fresh.length;
      const first = page.ids[0];
      if (!newestId && first) newestId = first;
      const reachedCursor = Boolean(sinceId && page.ids.some((id) => !newerId(id, sinceId)));
      token = page.nextToken;
      const done = !token || reachedCursor;
      if (done) {
        return await commit({ ...((newestId ?? sinceId) ? { sinceId: newestId ?? sinceId } : {}) }, 'read');
      }
      if ((await spendCheck(spent)) === 'stop') {
        return await commit({ ...cursor, ...resumeAt(newestId, token) }, 'spend_cap');
      }
      if (page.rateLimit && page.rateLimit.remaining <= 0) {
        return await commit(
          { ...cursor, rateLimitedUntil: page.rateLimit.resetAt.toISOString(), ...resumeAt(newestId, token) },
          'rate_limited',
          'window used up',
        );
      }
      if (result.pages >= maxPages) {
        if (plan.stream === 'search' && !sinceId) {
          // A first search keeps only the newest page: listening starts now.
          return await commit(newestId ? { sinceId: newestId } : {}, 'read');
        }
        return await commit({ ...cursor, ...resumeAt(newestId, token) }, 'read', 'more pages next run');
      }
    }
  } finally {
    if (!committed) {
      // Thrown or aborted: give the lease up, cursor unchanged, so the next run reads the same again.
      await deps.state.commit(plan.key, owner, cursor).catch(() => false);
    }
  }
}

function resumeAt(newestId: string | undefined, token: string | undefined): Pick<XStreamCursor, 'resume'> {
  return newestId && token ? { resume: { newestId, paginationToken: token } } : {};
}
