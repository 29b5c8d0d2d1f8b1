import type { BrandDirectory } from '../../core/brand-config';
import type { XRateLimit, XReader, XReadRequest, XReadResult } from '../../core/x-intake/poll';
import { normalizeV2DmEvents, normalizeV2Posts } from './normalize-v2';
import { oauth1Header } from './oauth1';
import type { XAccountCredentials } from './x-sender';

/** Fields that give the author, text, language, conversation and reply-to of each post. */
const POST_FIELDS =
  'author_id,conversation_id,created_at,entities,in_reply_to_user_id,lang,note_tweet,referenced_tweets';
const USER_FIELDS = 'name,public_metrics,username,verified';
export const DM_PAGE_SIZE = 20;

export interface XHttpReaderOptions {
  /** X_API_BASE_URL: https://api.x.com in AWS, the stand-in locally, whatever a test sets. */
  apiBaseUrl: string;
  credentialsFor: (accountId: string) => Promise<XAccountCredentials>;
  directory: BrandDirectory;
  /** Posts or events per page (X allows 5-100 on the timeline, 10-100 in search, 1-100 for DMs). */
  maxResults?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

function rateLimitOf(headers: Headers): XRateLimit | undefined {
  const remaining = Number(headers.get('x-rate-limit-remaining'));
  const reset = Number(headers.get('x-rate-limit-reset'));
  if (!headers.has('x-rate-limit-remaining') || !Number.isFinite(remaining) || !Number.isFinite(reset))
    return undefined;
  return { remaining, resetAt: new Date(reset * 1000) };
}

/** Reads X's mentions timeline, DM events and recent search with plain fetch (OAuth 1.0a user context). */
export class XHttpReader implements XReader {
  constructor(private readonly options: XHttpReaderOptions) {}

  urlFor(request: XReadRequest): URL {
    const base = this.options.apiBaseUrl.replace(/\/$/, '');
    const max = String(this.options.maxResults ?? 100);
    const token = request.paginationToken;
    if (request.stream === 'dm_events') {
      const url = new URL(`${base}/2/dm_events`);
      // DM events have no since_id: every poll reads the newest page again, and X bills each event once
      // per UTC day. A small first page keeps that to 20 events a day; a busy inbox walks more pages.
      url.searchParams.set('max_results', String(Math.min(Number(max), DM_PAGE_SIZE)));
      url.searchParams.set('event_types', 'MessageCreate');
      url.searchParams.set('dm_event.fields', 'created_at,dm_conversation_id,sender_id,participant_ids,text');
      url.searchParams.set('expansions', 'sender_id');
      url.searchParams.set('user.fields', USER_FIELDS);
      if (token) url.searchParams.set('pagination_token', token);
      return url;
    }
    const url =
      request.stream === 'mentions'
        ? new URL(`${base}/2/users/${encodeURIComponent(request.account.account.id)}/mentions`)
        : new URL(`${base}/2/tweets/search/recent`);
    if (request.stream === 'search') url.searchParams.set('query', request.query ?? '');
    url.searchParams.set('max_results', max);
    if (request.sinceId) url.searchParams.set('since_id', request.sinceId);
    if (token) url.searchParams.set(request.stream === 'search' ? 'next_token' : 'pagination_token', token);
    url.searchParams.set('tweet.fields', POST_FIELDS);
    url.searchParams.set('expansions', 'author_id');
    url.searchParams.set('user.fields', USER_FIELDS);
    return url;
  }

  async read(request: XReadRequest): Promise<XReadResult> {
    const url = this.urlFor(request);
    const credentials = await this.options.credentialsFor(request.account.account.id);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        headers: { authorization: oauth1Header('GET', url, credentials) },
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      return { status: 'failed', detail: `${url.pathname}: ${(error as Error).message}` };
    }
    const rateLimit = rateLimitOf(response.headers);
    if (response.status === 429) {
      const now = this.options.now?.() ?? new Date();
      // Without a reset header, wait out the whole 15-minute window.
      return { status: 'rate_limited', resetAt: rateLimit?.resetAt ?? new Date(now.getTime() + 15 * 60_000) };
    }
    const text = await response.text();
    if (!response.ok) {
      return {
        status: 'failed',
        httpStatus: response.status,
        detail: `${url.pathname}: ${response.status} ${text.slice(0, 200)}`,
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return {
        status: 'failed',
        httpStatus: response.status,
        detail: `${url.pathname}: the answer is not JSON`,
      };
    }
    const receivedAt = (this.options.now?.() ?? new Date()).toISOString();
    const normalized =
      request.stream === 'dm_events'
        ? normalizeV2DmEvents(body, request.account, this.options.directory, receivedAt)
        : normalizeV2Posts(body, request.account, this.options.directory, receivedAt, {
            listening: request.stream === 'search',
          });
    const meta = (body as { meta?: { next_token?: unknown } }).meta;
    const nextToken = typeof meta?.next_token === 'string' && meta.next_token ? meta.next_token : undefined;
    return {
      status: 'ok',
      interactions: normalized.interactions,
      ids: normalized.ids,
      resources: normalized.ids.length,
      ...(nextToken ? { nextToken } : {}),
      ...(rateLimit ? { rateLimit } : {}),
    };
  }
}
