import { createReadStream } from 'node:fs';
import { signXPayload } from '../channels/x/signature';
import type { BrandConfig } from '../core/brand-config';
import { percentile } from '../core/report';

/**
 * `socialcare replay FILE`: real customer traffic against a running system. Reads the public
 * "Customer Support on Twitter" CSV (tweet_id,author_id,inbound,created_at,text,response_tweet_id,
 * in_response_to_tweet_id) or JSON lines ({"id","text","author"?,"to"?}), sends each inbound tweet as a
 * signed X Account Activity webhook (a mention of the brand's care or bot account) at a given rate, then
 * reads back through the agent API what became of them.
 */

export interface ReplayOptions {
  file: string;
  /** Base URL of the running system, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The X consumer secret the system checks signatures with. */
  secret: string;
  /** Bearer token of the agent API. */
  token: string;
  config: BrandConfig;
  /** @default the config's first brand */
  brandId?: string;
  /** Webhooks per second; 0 sends as fast as `concurrency` allows. @default 10 */
  rate?: number;
  /** Send at most this many tweets. */
  limit?: number;
  /** Which account the tweets are addressed to when a line does not say. @default care */
  to?: 'care' | 'bot';
  /** Requests in flight at once. @default 16 */
  concurrency?: number;
  /** How long to wait for the system to record what it accepted once it stops making progress. @default 30 s */
  settleMs?: number;
  /** Where the progress bar goes (only drawn on a TTY). */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  now?: () => Date;
  /**
   * For benchmarks: how many new cases the replay opens (one per tweet when every author is new). The
   * wait is then timed by the case count of GET /api/reports, one query per poll, instead of reading
   * every case while the system is still writing them; each tweet is checked once afterwards.
   */
  expectedCases?: number;
}

export interface ReplayReport {
  format: 'csv' | 'jsonl';
  /** Rows or lines read, inbound tweets among them, and unusable ones skipped. */
  read: number;
  inbound: number;
  skipped: number;
  sent: number;
  accepted: number;
  /** Answers other than 200, by status ("network" when no answer came). */
  refused: Record<string, number>;
  /** Accepted tweets found recorded on a case. */
  recorded: number;
  /** Accepted but not recorded when the wait ended, with their ids. */
  lost: number;
  lostIds: string[];
  casesOpened: number;
  /** Outbound posts on those cases sent without an agent: the bot's answers and hand-offs, out-of-hours acknowledgements. */
  autoAnswers: number;
  autoAnswersBy: Record<string, number>;
  pages: number;
  /** Pages by kind (risk, spike, ...). */
  pagesBy: Record<string, number>;
  /** Share of the opened cases that got an automatic answer. */
  responseRate: number;
  /** CSV only: share of the replayed inbound tweets the brand answered in the corpus itself. */
  corpusResponseRate?: number;
  sendSeconds: number;
  /** From the first send until every accepted tweet was recorded (or the wait ended). */
  recordSeconds: number;
  latencyMs: { p50: number; p99: number; max: number };
}

export class ReplayInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayInputError';
  }
}

/** One inbound tweet to replay. */
export interface ReplayTweet {
  id: string;
  author: string;
  text: string;
  to?: 'care' | 'bot';
  inReplyToId?: string;
  /** CSV: whether the brand answered it in the corpus. */
  answered?: boolean;
}

/**
 * A CSV reader after RFC 4180: fields separated by commas, optionally quoted; inside quotes a doubled
 * quote is a quote and commas and line breaks are data. CRLF and LF both end a record. Streams, so a
 * corpus of millions of rows is read only as far as needed.
 */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let afterQuote = false;
  let started = false;
  // Bytes are decoded as a stream: a character split across two chunks is kept whole.
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let runStart = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (inQuotes) {
        if (c === '"') {
          if (runStart >= 0) field += text.slice(runStart, i);
          runStart = -1;
          inQuotes = false;
          afterQuote = true;
        } else if (runStart < 0) runStart = i;
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === '"') {
          field += '"';
          inQuotes = true;
          continue;
        }
      }
      if (c === ',' || c === '\n' || c === '\r' || (c === '"' && field === '' && runStart < 0)) {
        if (runStart >= 0) field += text.slice(runStart, i);
        runStart = -1;
        if (c === '"') {
          inQuotes = true;
          started = true;
        } else if (c === ',') {
          row.push(field);
          field = '';
          started = true;
        } else if (c === '\n') {
          row.push(field);
          field = '';
          if (started || row.length > 1 || row[0] !== '') yield row;
          row = [];
          started = false;
        }
        // A lone CR outside quotes is part of a CRLF line end: dropped.
        continue;
      }
      started = true;
      if (runStart < 0) runStart = i;
    }
    if (runStart >= 0) field += text.slice(runStart);
  }
  if (started || field !== '' || row.length) {
    row.push(field);
    yield row;
  }
}

const CSV_COLUMNS = ['tweet_id', 'author_id', 'inbound', 'text'] as const;

/** Ids in the corpus were written by pandas and sometimes read "1.0"; X ids are digit strings. */
function tweetId(value: string | undefined): string | undefined {
  const trimmed = value?.trim() ?? '';
  const match = /^(\d+)(?:\.0+)?$/.exec(trimmed);
  return match ? match[1] : trimmed || undefined;
}

export async function* readReplayTweets(
  file: string,
  counts: { format?: 'csv' | 'jsonl'; read: number; inbound: number; skipped: number },
): AsyncGenerator<ReplayTweet> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? '' : String(first.value);
  const chunks = (async function* () {
    if (head) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield String(next.value);
    }
  })();
  try {
    const csv = /\.csv$/i.test(file) || /^\uFEFF?tweet_id,/.test(head);
    counts.format = csv ? 'csv' : 'jsonl';
    if (csv) yield* readCsvTweets(chunks, counts);
    else yield* readJsonLines(chunks, counts);
  } finally {
    stream.destroy();
  }
}

async function* readCsvTweets(
  chunks: AsyncIterable<string>,
  counts: { read: number; inbound: number; skipped: number },
): AsyncGenerator<ReplayTweet> {
  let columns: Map<string, number> | undefined;
  for await (const row of parseCsv(chunks)) {
    if (!columns) {
      columns = new Map(row.map((name, index) => [name.replace(/^\uFEFF/, '').trim(), index]));
      const missing = CSV_COLUMNS.filter((name) => !columns?.has(name));
      if (missing.length) throw new ReplayInputError(`CSV header lacks column(s): ${missing.join(', ')}`);
      continue;
    }
    counts.read++;
    const cell = (name: string) => {
      const index = columns?.get(name);
      return index === undefined ? undefined : row[index];
    };
    if (row.length !== columns.size) {
      counts.skipped++;
      continue;
    }
    if (!/^true$/i.test(cell('inbound')?.trim() ?? '')) continue;
    counts.inbound++;
    const id = tweetId(cell('tweet_id'));
    const author = cell('author_id')?.trim();
    const text = cell('text') ?? '';
    if (!id || !/^\d+$/.test(id) || !author) {
      counts.skipped++;
      continue;
    }
    const inReplyToId = tweetId(cell('in_response_to_tweet_id'));
    yield {
      id,
      author,
      text,
      ...(inReplyToId ? { inReplyToId } : {}),
      answered: Boolean(cell('response_tweet_id')?.trim()),
    };
  }
}

async function* readJsonLines(
  chunks: AsyncIterable<string>,
  counts: { read: number; inbound: number; skipped: number },
): AsyncGenerator<ReplayTweet> {
  let rest = '';
  const parse = (line: string): ReplayTweet | undefined => {
    if (!line.trim()) return undefined;
    counts.read++;
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      const id = typeof value.id === 'number' ? String(value.id) : value.id;
      const author = typeof value.author === 'number' ? String(value.author) : value.author;
      if (typeof id !== 'string' || !id || typeof value.text !== 'string') throw new Error('bad');
      if (author !== undefined && (typeof author !== 'string' || !author)) throw new Error('bad');
      if (value.to !== undefined && value.to !== 'bot' && value.to !== 'care') throw new Error('bad');
      counts.inbound++;
      return {
        id,
        author: (author as string | undefined) ?? `replay-${id}`,
        text: value.text,
        ...(value.to ? { to: value.to as 'bot' | 'care' } : {}),
      };
    } catch {
      counts.skipped++;
      return undefined;
    }
  };
  for await (const chunk of chunks) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const tweet = parse(line);
      if (tweet) yield tweet;
    }
  }
  const tweet = parse(rest);
  if (tweet) yield tweet;
}

/** The X Account Activity payload of a mention (the shape of X's own samples). */
export function mentionPayload(
  tweet: ReplayTweet,
  account: { id: string; handle: string },
  at: Date,
): Record<string, unknown> {
  return {
    for_user_id: account.id,
    user_has_blocked: 'false',
    tweet_create_events: [
      {
        created_at: xDate(at),
        id_str: tweet.id,
        text: tweet.text,
        truncated: false,
        in_reply_to_status_id_str: tweet.inReplyToId ?? null,
        in_reply_to_user_id_str: account.id,
        in_reply_to_screen_name: account.handle,
        user: {
          id_str: tweet.author,
          name: tweet.author,
          screen_name: tweet.author,
          protected: false,
          verified: false,
        },
        is_quote_status: false,
        entities: {
          hashtags: [],
          urls: [],
          user_mentions: [{ screen_name: account.handle, id_str: account.id }],
          symbols: [],
        },
        timestamp_ms: String(at.getTime()),
      },
    ],
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** X's created_at: "Mon Nov 23 09:14:02 +0000 2026". */
function xDate(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[at.getUTCDay()]} ${MONTHS[at.getUTCMonth()]} ${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000 ${at.getUTCFullYear()}`;
}

interface ApiCase {
  caseId: string;
  customer?: { id?: string };
  accountRole?: string;
  action?: string;
}
interface ApiMessage {
  direction?: string;
  platformMessageId?: string;
  sentBy?: string;
  reason?: string;
}

/** A request that never got an answer, named with the URL and what to do (not fetch's bare "fetch failed"). */
export class ServerUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
    const code = inner?.code ?? inner?.message ?? (cause as Error)?.message ?? 'no answer';
    super(
      `no answer from ${new URL(url).origin} (${code}) at ${url}: is socialcare still running? Start it (npm start) or name the running one with --url, then replay again (what was already accepted is not sent twice)`,
      { cause },
    );
    this.name = 'ServerUnreachableError';
  }
}

async function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new ServerUnreachableError(url, error);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** Cases opened from `from` until now, by the agent API's report; undefined when it has none. */
async function casesOpenedSince(url: string, token: string, from: string): Promise<number | undefined> {
  const to = new Date(Date.now() + 60_000).toISOString();
  const { status, body } = await getJson(
    `${url}/api/reports?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    token,
  );
  const rows = status === 200 ? (body as { rows?: Array<{ cases?: unknown }> }).rows : undefined;
  if (!Array.isArray(rows)) return undefined;
  return rows.reduce((sum, row) => sum + (typeof row.cases === 'number' ? row.cases : 0), 0);
}

/** Runs `work` over `items` with at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * Reads back through the agent API which accepted tweets are recorded: a tweet that opened a case has
 * the case `x-<id>`; one that joined its author's open case is among that case's messages.
 */
export class RecordedTracker {
  readonly cases = new Map<string, { case: ApiCase; messages: ApiMessage[] }>();
  readonly recorded = new Set<string>();
  private readonly authorCases = new Map<string, Set<string>>();

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly authorOf: Map<string, string>,
  ) {}

  private async fetchCase(caseId: string): Promise<boolean> {
    const { status, body } = await getJson(`${this.url}/api/cases/${encodeURIComponent(caseId)}`, this.token);
    if (status === 404) return false;
    if (status !== 200) throw new Error(`GET /api/cases/${caseId} answered ${status}`);
    const found = body as {
      case: ApiCase;
      messages: ApiMessage[];
      customer?: { cases?: Array<{ caseId?: string; status?: string }> };
    };
    this.cases.set(caseId, { case: found.case, messages: found.messages });
    for (const message of found.messages) {
      if (message.direction === 'in' && message.platformMessageId)
        this.recorded.add(message.platformMessageId);
    }
    const author = found.case.customer?.id;
    if (author) {
      const set = this.authorCases.get(author) ?? new Set();
      set.add(caseId);
      // The customer's other open cases, where their later tweets may have gone.
      for (const other of found.customer?.cases ?? []) {
        if (other.caseId && other.status !== 'resolved') set.add(other.caseId);
      }
      this.authorCases.set(author, set);
    }
    return true;
  }

  /** How often each id was looked for and not found. */
  private readonly misses = new Map<string, number>();
  private stubbornCursor = 0;

  /**
   * One pass over the ids not yet seen recorded, in the order they were sent, until `maxMisses` of them
   * are still missing: triage works roughly in arrival order, so the rest are later ones, and reading
   * them all every pass would load the very database the system is writing to. Ids missed three times
   * (a tweet that joined a case the replay has not seen) are then looked at a few per pass, in turn, so
   * they never block the others. Returns how many are still missing.
   */
  async check(ids: string[], maxMisses = 8): Promise<number> {
    const missing = ids.filter((id) => !this.recorded.has(id));
    const fresh = missing.filter((id) => (this.misses.get(id) ?? 0) < 3);
    const stubborn = missing.filter((id) => (this.misses.get(id) ?? 0) >= 3);
    const stale = new Set<string>();
    let misses = 0;
    const look = async (id: string) => {
      if (this.recorded.has(id)) return;
      if (await this.fetchCase(`x-${id}`)) return;
      if (this.recorded.has(id)) return;
      misses++;
      this.misses.set(id, (this.misses.get(id) ?? 0) + 1);
      for (const caseId of this.authorCases.get(this.authorOf.get(id) ?? '') ?? []) stale.add(caseId);
    };
    for (let start = 0; start < fresh.length && misses < maxMisses; start += 8) {
      await eachLimited(fresh.slice(start, start + 8), 8, look);
    }
    if (stubborn.length) {
      const turn = Array.from(
        { length: Math.min(maxMisses, stubborn.length) },
        (_, i) => stubborn[(this.stubbornCursor + i) % stubborn.length] as string,
      );
      this.stubbornCursor = (this.stubbornCursor + turn.length) % stubborn.length;
      await eachLimited(turn, 8, look);
    }
    // A tweet that joined its author's open case shows up there.
    await eachLimited([...stale], 8, async (caseId) => {
      await this.fetchCase(caseId);
    });
    return ids.filter((id) => !this.recorded.has(id)).length;
  }

  /** Cases opened before the replay that its tweets may have joined: the open queue, soonest first. */
  async scanOpenQueue(): Promise<void> {
    const open: ApiCase[] = [];
    // Every page of the queue (`next`), not only the first 200 cases.
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const query = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { status, body } = await getJson(`${this.url}/api/cases?${query}`, this.token);
      if (status !== 200) return;
      const page = body as { cases: ApiCase[]; next?: string };
      open.push(...page.cases);
      cursor = page.next;
    }
    const authors = new Set(this.authorOf.values());
    const wanted = open.filter(
      (c) => c.customer?.id && authors.has(c.customer.id) && !this.cases.has(c.caseId),
    );
    await eachLimited(wanted, 8, async (c) => {
      await this.fetchCase(c.caseId);
    });
  }

  /** Reads the cases again; after the first pass only those an automatic answer may still reach. */
  async refresh(all: boolean): Promise<void> {
    const ids = [...this.cases.entries()]
      .filter(
        ([, c]) =>
          all ||
          ((c.case.accountRole === 'bot' || c.case.action === 'auto_reply') &&
            !c.messages.some((m) => m.direction === 'out')),
      )
      .map(([caseId]) => caseId);
    await eachLimited(ids, 8, async (caseId) => {
      await this.fetchCase(caseId);
    });
  }

  autoAnswers(): Record<string, number> {
    const by: Record<string, number> = {};
    for (const { messages } of this.cases.values()) {
      for (const message of messages) {
        if (message.direction !== 'out' || (message.sentBy !== 'bot' && message.sentBy !== 'system'))
          continue;
        const key = message.reason ?? message.sentBy;
        by[key] = (by[key] ?? 0) + 1;
      }
    }
    return by;
  }
}

function drawProgress(
  out: ReplayOptions['progress'],
  state: { sent: number; accepted: number; total?: number; startedAt: number },
) {
  if (!out?.isTTY) return;
  const width = 28;
  const share = state.total ? Math.min(1, state.sent / state.total) : 0;
  const filled = Math.round(share * width);
  const seconds = (Date.now() - state.startedAt) / 1000;
  const bar = state.total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
  out.write(
    `\r${bar}${state.sent}${state.total ? `/${state.total}` : ''} sent, ${state.accepted} accepted, ${(state.sent / Math.max(seconds, 0.001)).toFixed(1)}/s   `,
  );
}

export async function runReplayCommand(options: ReplayOptions): Promise<ReplayReport> {
  const brand = options.brandId
    ? options.config.brands.find((b) => b.id === options.brandId)
    : options.config.brands[0];
  if (!brand) throw new ReplayInputError(`brand "${options.brandId}" is not in the config`);
  const accountFor = (role: 'care' | 'bot') => {
    const account = brand.accounts.find((a) => a.platform === 'x' && a.role === role);
    if (!account) throw new ReplayInputError(`brand "${brand.id}" has no X ${role} account`);
    return account;
  };
  const rate = options.rate ?? 10;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const url = options.url.replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const counts: { format?: 'csv' | 'jsonl'; read: number; inbound: number; skipped: number } = {
    read: 0,
    inbound: 0,
    skipped: 0,
  };

  const tweets: ReplayTweet[] = [];
  for await (const tweet of readReplayTweets(options.file, counts)) {
    if (options.limit !== undefined && tweets.length >= options.limit) break;
    tweets.push(tweet);
  }

  const startedAt = Date.now();
  const accepted: string[] = [];
  const authorOf = new Map<string, string>();
  const refused: Record<string, number> = {};
  const latencies: number[] = [];
  let sent = 0;
  let next = 0;
  const progress = { sent: 0, accepted: 0, total: tweets.length, startedAt };
  const timer = options.progress?.isTTY
    ? setInterval(() => drawProgress(options.progress, progress), 100)
    : undefined;
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, tweets.length) }, async () => {
        while (next < tweets.length) {
          const index = next++;
          const tweet = tweets[index] as ReplayTweet;
          if (rate > 0) {
            const due = startedAt + (index * 1000) / rate;
            const wait = due - Date.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          }
          const body = JSON.stringify(
            mentionPayload(tweet, accountFor(tweet.to ?? options.to ?? 'care'), now()),
          );
          const t0 = performance.now();
          let status: string;
          try {
            const response = await fetch(`${url}/webhooks/x`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-twitter-webhooks-signature': signXPayload(options.secret, body),
              },
              body,
            });
            await response.arrayBuffer();
            status = String(response.status);
          } catch {
            status = 'network';
          }
          latencies.push(performance.now() - t0);
          sent++;
          progress.sent = sent;
          if (status === '200') {
            accepted.push(tweet.id);
            authorOf.set(tweet.id, tweet.author);
            progress.accepted++;
          } else refused[status] = (refused[status] ?? 0) + 1;
        }
      }),
    );
  } finally {
    if (timer) {
      clearInterval(timer);
      drawProgress(options.progress, progress);
      options.progress?.write('\n');
    }
  }
  const sendSeconds = (Date.now() - startedAt) / 1000;

  const unique = [...new Set(accepted)];
  const settleMs = options.settleMs ?? 30_000;
  let countedSeconds: number | undefined;
  if (options.expectedCases !== undefined) {
    const from = new Date(startedAt - 500).toISOString();
    let last = -1;
    let lastChangeAt = Date.now();
    for (;;) {
      const opened = await casesOpenedSince(url, options.token, from);
      if (opened === undefined) break;
      if (opened >= options.expectedCases) {
        countedSeconds = (Date.now() - startedAt) / 1000;
        break;
      }
      if (opened !== last) {
        last = opened;
        lastChangeAt = Date.now();
      }
      if (Date.now() - lastChangeAt > settleMs) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  // Wait while recording makes progress; stop after settleMs without any.
  const tracker = new RecordedTracker(url, options.token, authorOf);
  let missing = unique.length;
  let lastProgressAt = Date.now();
  let scannedQueue = false;
  while (missing > 0) {
    const before = missing;
    missing = await tracker.check(unique);
    if (missing < before) lastProgressAt = Date.now();
    if (missing === 0) break;
    if (!scannedQueue && Date.now() - lastProgressAt > 2000) {
      await tracker.scanOpenQueue();
      scannedQueue = true;
      missing = unique.filter((id) => !tracker.recorded.has(id)).length;
    }
    if (Date.now() - lastProgressAt > settleMs) break;
    await new Promise((r) => setTimeout(r, missing === before ? 250 : 100));
  }
  const recordSeconds = countedSeconds ?? (Date.now() - startedAt) / 1000;

  // Automatic answers go out through the outbox a moment after the case: wait until their count holds.
  let answers = -1;
  for (let pass = 0; pass < 20; pass++) {
    const total = Object.values(tracker.autoAnswers()).reduce((a, b) => a + b, 0);
    if (total === answers && pass > 1) break;
    answers = total;
    await new Promise((r) => setTimeout(r, 500));
    await tracker.refresh(pass === 0);
  }
  const caseIds = new Set(tracker.cases.keys());
  const opened = unique.filter((id) => caseIds.has(`x-${id}`)).length;
  const pagesAnswer = await getJson(`${url}/api/pages?limit=200`, options.token);
  // Pages about the replayed cases, and those about no case (a spike) raised since the replay began.
  const since = new Date(startedAt - 1000).toISOString();
  const pagesBy: Record<string, number> = {};
  const pageList =
    pagesAnswer.status === 200
      ? (pagesAnswer.body as { pages: Array<{ caseId?: string; kind?: string; createdAt?: string }> }).pages
      : [];
  for (const page of pageList) {
    const ours = page.caseId ? caseIds.has(page.caseId) : (page.createdAt ?? '') >= since;
    if (ours) pagesBy[page.kind ?? 'page'] = (pagesBy[page.kind ?? 'page'] ?? 0) + 1;
  }
  const pages = Object.values(pagesBy).reduce((a, b) => a + b, 0);
  const autoAnswersBy = tracker.autoAnswers();
  const autoAnswers = Object.values(autoAnswersBy).reduce((a, b) => a + b, 0);
  const replayed = new Set(unique);
  const answeredCases = [...tracker.cases.entries()].filter(
    ([caseId, c]) =>
      replayed.has(caseId.slice(2)) &&
      c.messages.some((m) => m.direction === 'out' && (m.sentBy === 'bot' || m.sentBy === 'system')),
  ).length;
  const lostIds = unique.filter((id) => !tracker.recorded.has(id));
  const sorted = [...latencies].sort((a, b) => a - b);
  const answeredInCorpus = tweets.filter((t) => t.answered).length;
  return {
    format: counts.format ?? 'jsonl',
    read: counts.read,
    inbound: counts.inbound,
    skipped: counts.skipped,
    sent,
    accepted: accepted.length,
    refused,
    recorded: unique.length - lostIds.length,
    lost: lostIds.length,
    lostIds,
    casesOpened: opened,
    autoAnswers,
    autoAnswersBy,
    pages,
    pagesBy,
    responseRate: opened ? answeredCases / opened : 0,
    ...(counts.format === 'csv' && tweets.length
      ? { corpusResponseRate: answeredInCorpus / tweets.length }
      : {}),
    sendSeconds,
    recordSeconds,
    latencyMs: {
      p50: Math.round((percentile(sorted, 50) ?? 0) * 10) / 10,
      p99: Math.round((percentile(sorted, 99) ?? 0) * 10) / 10,
      max: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
    },
  };
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The report a person reads. */
export function formatReplayReport(report: ReplayReport, file: string): string {
  const refused = Object.entries(report.refused)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');
  const answersBy = Object.entries(report.autoAnswersBy)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const lines = [
    `replayed ${file} (${report.format}): ${report.read} read, ${report.inbound} inbound, ${report.skipped} skipped`,
    `  sent:           ${report.sent} in ${report.sendSeconds.toFixed(1)} s (${(report.sent / Math.max(report.sendSeconds, 0.001)).toFixed(1)}/s; webhook p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms)`,
    `  accepted:       ${report.accepted}${refused ? ` (refused: ${refused})` : ''}`,
    `  recorded:       ${report.recorded} of ${report.lost + report.recorded} accepted tweets, within ${report.recordSeconds.toFixed(1)} s of the first send`,
    `  cases opened:   ${report.casesOpened} (the other recorded tweets joined their author's open case)`,
    `  auto-answers:   ${report.autoAnswers}${answersBy ? ` (${answersBy})` : ''}`,
    `  pages:          ${report.pages}${
      report.pages
        ? ` (${Object.entries(report.pagesBy)
            .map(([kind, n]) => `${kind} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `  response rate:  ${pct(report.responseRate)} of opened cases answered at once${report.corpusResponseRate !== undefined ? `; the brands in the corpus answered ${pct(report.corpusResponseRate)} of these tweets` : ''}`,
    `  loss:           ${report.lost}${report.lost ? ` (accepted, not recorded: ${report.lostIds.slice(0, 10).join(', ')}${report.lost > 10 ? ', …' : ''})` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
