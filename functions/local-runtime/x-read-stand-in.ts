import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The X API v2 read endpoints, locally: the mentions timeline, DM events and recent search, with X's
 * paging (`max_results`, `since_id`, `pagination_token`, `meta.next_token`, `newest_id`, `oldest_id`),
 * its rate-limit headers, and a programmable 429 with a reset. Posts and DMs are added by tests and
 * people with `POST /x/posts` and `POST /x/dm_events` (or the methods below). Hooked into the platform
 * stand-in, which serves it on the same port.
 */

export interface StandInPost {
  id: string;
  text: string;
  authorId: string;
  authorHandle: string;
  authorName?: string;
  followers?: number;
  /** Our account ids this post @mentions: it is on their mentions timelines. */
  mentionIds: string[];
  /** Their handles, as X puts them in entities.mentions. */
  mentionHandles: string[];
  inReplyToId?: string;
  quotedId?: string;
  conversationId: string;
  lang?: string;
  createdAt: string;
}

export interface StandInDmEvent {
  id: string;
  text: string;
  senderId: string;
  senderHandle: string;
  recipientId: string;
  createdAt: string;
}

export type XReadEndpoint = 'mentions' | 'dm_events' | 'search';

export interface XReadStandIn {
  addPost(post: Partial<StandInPost> & { text: string }): StandInPost;
  addDmEvent(event: Partial<StandInDmEvent> & { text: string; recipientId: string }): StandInDmEvent;
  /** The next `count` reads of the endpoint answer 429 with this reset (epoch seconds). */
  rateLimitNext(endpoint: XReadEndpoint, resetEpochSeconds: number, count?: number): void;
  /** The next `count` reads of the endpoint (after `afterRequests` served normally) fail with this status. */
  failNext(endpoint: XReadEndpoint, status: number, count?: number, afterRequests?: number): void;
  /** Requests per 15-minute window per account and endpoint before X's 429 (default: generous). */
  setWindowLimit(endpoint: XReadEndpoint, limit: number): void;
  /** Every read request served, in order: what the poller asked for. */
  readonly requests: Array<{
    endpoint: XReadEndpoint;
    accountId: string;
    query: Record<string, string>;
    status: number;
  }>;
  /** Handles a request when it is one of these routes; false when not. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
}

const WINDOW_MS = 15 * 60_000;

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

const newer = (a: string, b: string) => (a.length !== b.length ? a.length > b.length : a > b);

/** A tiny reading of X's search syntax: OR'ed words, "phrases" and #tags, -from:, -@, -is:retweet, lang:. */
export function matchesQuery(query: string, post: StandInPost): boolean {
  const text = post.text.toLowerCase();
  const negatives = [...query.matchAll(/-(from:|@)([A-Za-z0-9_]+)/g)];
  for (const [, op, handle] of negatives) {
    const h = (handle as string).toLowerCase();
    if (op === 'from:' && post.authorHandle.toLowerCase() === h) return false;
    if (op === '@' && (text.includes(`@${h}`) || post.mentionHandles.some((m) => m.toLowerCase() === h)))
      return false;
  }
  const langs = [...query.matchAll(/(?<!-)lang:([a-z]+)/g)].map((m) => m[1]);
  if (langs.length && !langs.includes(post.lang)) return false;
  const positive = query
    .replace(/-("[^"]*"|\S+)/g, ' ')
    .replace(/(?<!\S)(lang|is|from):\S+/g, ' ')
    .replace(/[()]/g, ' ');
  const terms = [...positive.matchAll(/"([^"]+)"|(\S+)/g)]
    .map((m) => (m[1] ?? m[2] ?? '').toLowerCase())
    .filter((t) => t && t !== 'or');
  return terms.some((term) =>
    /^[#$]?[\p{L}\p{N}_]+$/u.test(term)
      ? new RegExp(`(^|[^\\p{L}\\p{N}_#$])${term.replace(/[$]/g, '\\$')}($|[^\\p{L}\\p{N}_])`, 'iu').test(
          text,
        )
      : text.includes(term),
  );
}

export function createXReadStandIn(options: {
  accountOf: (request: IncomingMessage) => string | undefined;
}): XReadStandIn {
  const posts: StandInPost[] = [];
  const dms: StandInDmEvent[] = [];
  let sequence = 0;
  // Snowflake-like: later ids are larger, also across restarts of the stand-in.
  const newId = () => String((BigInt(Date.now()) << 22n) | BigInt(sequence++ % 4_194_304));
  const programmed: Record<XReadEndpoint, Array<{ status: number; reset?: number }>> = {
    mentions: [],
    dm_events: [],
    search: [],
  };
  const limits: Record<XReadEndpoint, number> = { mentions: 10_000, dm_events: 10_000, search: 10_000 };
  const windows = new Map<string, { start: number; used: number }>();
  const requests: XReadStandIn['requests'] = [];

  const addPost: XReadStandIn['addPost'] = (input) => {
    const id = input.id ?? newId();
    const post: StandInPost = {
      id,
      text: input.text,
      authorId: input.authorId ?? '9100001',
      authorHandle: input.authorHandle ?? 'customer',
      ...(input.authorName ? { authorName: input.authorName } : {}),
      ...(input.followers !== undefined ? { followers: input.followers } : {}),
      mentionIds: input.mentionIds ?? [],
      mentionHandles: input.mentionHandles ?? [],
      ...(input.inReplyToId ? { inReplyToId: input.inReplyToId } : {}),
      ...(input.quotedId ? { quotedId: input.quotedId } : {}),
      conversationId: input.conversationId ?? input.inReplyToId ?? id,
      ...(input.lang ? { lang: input.lang } : {}),
      createdAt: input.createdAt ?? new Date().toISOString(),
    };
    posts.push(post);
    return post;
  };
  const addDmEvent: XReadStandIn['addDmEvent'] = (input) => {
    const event: StandInDmEvent = {
      id: input.id ?? newId(),
      text: input.text,
      senderId: input.senderId ?? '9100001',
      senderHandle: input.senderHandle ?? 'customer',
      recipientId: input.recipientId,
      createdAt: input.createdAt ?? new Date().toISOString(),
    };
    dms.push(event);
    return event;
  };

  const postJson = (p: StandInPost) => ({
    id: p.id,
    text: p.text,
    author_id: p.authorId,
    created_at: p.createdAt,
    conversation_id: p.conversationId,
    ...(p.lang ? { lang: p.lang } : {}),
    edit_history_tweet_ids: [p.id],
    ...(p.mentionHandles.length || p.mentionIds.length
      ? {
          entities: {
            mentions: p.mentionIds.map((id, i) => ({ id, username: p.mentionHandles[i] ?? `user${id}` })),
          },
        }
      : {}),
    ...(p.inReplyToId || p.quotedId
      ? {
          referenced_tweets: [
            ...(p.inReplyToId ? [{ type: 'replied_to', id: p.inReplyToId }] : []),
            ...(p.quotedId ? [{ type: 'quoted', id: p.quotedId }] : []),
          ],
        }
      : {}),
  });
  const userJson = (id: string, handle: string, name?: string, followers?: number) => ({
    id,
    username: handle,
    name: name ?? handle,
    ...(followers !== undefined ? { public_metrics: { followers_count: followers } } : {}),
  });

  /** Newest first, since_id and until the page token, max_results per page. */
  function page<T extends { id: string }>(items: T[], query: URLSearchParams, min: number) {
    const max = Math.min(100, Math.max(min, Number(query.get('max_results') ?? 10) || 10));
    const since = query.get('since_id');
    const token = query.get('pagination_token') ?? query.get('next_token');
    const before = token ? Buffer.from(token, 'base64url').toString('utf8') : undefined;
    const sorted = items
      .filter((i) => (!since || newer(i.id, since)) && (!before || newer(before, i.id)))
      .sort((a, b) => (newer(a.id, b.id) ? -1 : 1));
    const slice = sorted.slice(0, max);
    const more = sorted.length > max;
    const last = slice[slice.length - 1];
    return {
      slice,
      meta: {
        result_count: slice.length,
        ...(slice.length ? { newest_id: slice[0]?.id, oldest_id: last?.id } : {}),
        ...(more && last ? { next_token: Buffer.from(last.id, 'utf8').toString('base64url') } : {}),
      },
    };
  }

  async function read(
    endpoint: XReadEndpoint,
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    userId?: string,
  ) {
    const accountId = options.accountOf(request);
    const query = Object.fromEntries(url.searchParams.entries());
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ endpoint, accountId: accountId ?? '', query, status });
      send(response, status, body, headers);
    };
    if (!accountId)
      return answer(401, { title: 'Unauthorized', detail: 'no OAuth 1.0a user token', status: 401 });
    const now = Date.now();
    const key = `${endpoint}:${accountId}`;
    let window = windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, used: 0 };
      windows.set(key, window);
    }
    const reset = Math.ceil((window.start + WINDOW_MS) / 1000);
    const limit = limits[endpoint];
    const next = programmed[endpoint].shift();
    const programmedFailure = next?.status ? next : undefined;
    if (programmedFailure?.status === 429 || window.used >= limit) {
      return answer(
        429,
        { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
        {
          'x-rate-limit-limit': String(limit),
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(programmedFailure?.reset ?? reset),
        },
      );
    }
    if (programmedFailure) {
      return answer(programmedFailure.status, {
        title: 'Stand-in failure',
        status: programmedFailure.status,
        detail: 'simulated',
      });
    }
    window.used += 1;
    const headers = {
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(Math.max(0, limit - window.used)),
      'x-rate-limit-reset': String(reset),
    };
    if (endpoint === 'mentions' && userId !== accountId) {
      // Owned reads: the token's own account (another id would be a paid, non-owned read).
      return answer(403, {
        title: 'Forbidden',
        detail: "the stand-in serves only the token owner's mentions",
        status: 403,
      });
    }
    if (endpoint === 'dm_events') {
      const mine = dms.filter((d) => d.recipientId === accountId || d.senderId === accountId);
      const { slice, meta } = page(mine, url.searchParams, 1);
      const senders = new Map(slice.map((d) => [d.senderId, userJson(d.senderId, d.senderHandle)]));
      return answer(
        200,
        {
          ...(slice.length
            ? {
                data: slice.map((d) => ({
                  id: d.id,
                  event_type: 'MessageCreate',
                  text: d.text,
                  sender_id: d.senderId,
                  created_at: d.createdAt,
                  dm_conversation_id: [d.senderId, d.recipientId].sort().join('-'),
                  participant_ids: [d.senderId, d.recipientId],
                })),
                includes: { users: [...senders.values()] },
              }
            : {}),
          meta: {
            result_count: meta.result_count,
            ...(meta.next_token ? { next_token: meta.next_token } : {}),
          },
        },
        headers,
      );
    }
    const q = url.searchParams.get('query') ?? '';
    if (endpoint === 'search' && !q)
      return answer(400, { title: 'Invalid Request', detail: 'query is required', status: 400 });
    const matching =
      endpoint === 'mentions'
        ? posts.filter((p) => p.mentionIds.includes(accountId))
        : posts.filter((p) => matchesQuery(q, p));
    const { slice, meta } = page(matching, url.searchParams, endpoint === 'search' ? 10 : 5);
    const authors = new Map(
      slice.map((p) => [p.authorId, userJson(p.authorId, p.authorHandle, p.authorName, p.followers)]),
    );
    return answer(
      200,
      {
        ...(slice.length ? { data: slice.map(postJson), includes: { users: [...authors.values()] } } : {}),
        meta,
      },
      headers,
    );
  }

  return {
    addPost,
    addDmEvent,
    requests,
    rateLimitNext(endpoint, resetEpochSeconds, count = 1) {
      for (let i = 0; i < count; i++) programmed[endpoint].push({ status: 429, reset: resetEpochSeconds });
    },
    failNext(endpoint, status, count = 1, afterRequests = 0) {
      // Status 0: served normally.
      for (let i = 0; i < afterRequests; i++) programmed[endpoint].push({ status: 0 });
      for (let i = 0; i < count; i++) programmed[endpoint].push({ status });
    },
    setWindowLimit(endpoint, limit) {
      limits[endpoint] = limit;
    },
    async handle(request, response, url) {
      const path = url.pathname;
      if (request.method === 'POST' && path === '/x/posts') {
        const body = await readJson(request);
        if (typeof body.text !== 'string' || !body.text) {
          send(response, 400, { error: 'text is required' });
          return true;
        }
        const strings = (v: unknown) =>
          Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
        const post = addPost({
          text: body.text,
          ...(typeof body.id === 'string' ? { id: body.id } : {}),
          ...(typeof body.authorId === 'string' ? { authorId: body.authorId } : {}),
          ...(typeof body.authorHandle === 'string' ? { authorHandle: body.authorHandle } : {}),
          ...(typeof body.authorName === 'string' ? { authorName: body.authorName } : {}),
          ...(typeof body.followers === 'number' ? { followers: body.followers } : {}),
          ...(strings(body.mentionIds) ? { mentionIds: strings(body.mentionIds) as string[] } : {}),
          ...(strings(body.mentionHandles)
            ? { mentionHandles: strings(body.mentionHandles) as string[] }
            : {}),
          ...(typeof body.inReplyToId === 'string' ? { inReplyToId: body.inReplyToId } : {}),
          ...(typeof body.quotedId === 'string' ? { quotedId: body.quotedId } : {}),
          ...(typeof body.lang === 'string' ? { lang: body.lang } : {}),
        });
        send(response, 201, { data: post });
        return true;
      }
      if (request.method === 'POST' && path === '/x/dm_events') {
        const body = await readJson(request);
        if (typeof body.text !== 'string' || typeof body.recipientId !== 'string') {
          send(response, 400, { error: 'text and recipientId are required' });
          return true;
        }
        const event = addDmEvent({
          text: body.text,
          recipientId: body.recipientId,
          ...(typeof body.senderId === 'string' ? { senderId: body.senderId } : {}),
          ...(typeof body.senderHandle === 'string' ? { senderHandle: body.senderHandle } : {}),
        });
        send(response, 201, { data: event });
        return true;
      }
      if (request.method !== 'GET') return false;
      const mentions = /^\/2\/users\/([^/]+)\/mentions$/.exec(path);
      if (mentions) {
        await read('mentions', request, response, url, decodeURIComponent(mentions[1] as string));
        return true;
      }
      const endpoint =
        path === '/2/dm_events' ? 'dm_events' : path === '/2/tweets/search/recent' ? 'search' : undefined;
      if (!endpoint) return false;
      await read(endpoint, request, response, url);
      return true;
    },
  };
}
