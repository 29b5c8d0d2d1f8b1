import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { normalizeXActivity } from '../../functions/channels/x/normalize';
import { normalizeV2DmEvents, normalizeV2Posts } from '../../functions/channels/x/normalize-v2';
import { oauth1Header } from '../../functions/channels/x/oauth1';
import { XHttpReader } from '../../functions/channels/x/x-reader';
import { BrandDirectory } from '../../functions/core/brand-config';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import type { Interaction } from '../../functions/core/interaction';
import {
  buildListeningQuery,
  type ListeningFacts,
  listeningNeedsCare,
  listeningPublicReplyRefusal,
} from '../../functions/core/x-intake/listening';
import {
  newerId,
  planXStreams,
  runXPoll,
  type XReader,
  type XReadRequest,
  type XReadResult,
} from '../../functions/core/x-intake/poll';
import { readCostMicroUsd, spendLevel, spendMonth } from '../../functions/core/x-intake/spend';
import { matchesQuery, type StandInPost } from '../../functions/local-runtime/x-read-stand-in';
import { InMemoryPageStore, InMemoryXPollState, RecordingPager, RecordingQueue } from '../fakes/in-memory';
import { demoConfig, fixture } from '../helpers';

// biome-ignore lint/suspicious/noExplicitAny: a raw config is edited as plain JSON
type RawConfig = Record<string, any>;

function configWith(patch: (raw: RawConfig) => void) {
  const raw = JSON.parse(JSON.stringify(demoConfig()));
  patch(raw);
  return parseBrandConfig(raw);
}
const pollingConfig = () =>
  configWith((raw) => {
    raw.brands[0].accounts[0].receive = 'poll';
  });

describe('spend policy', () => {
  test('level by share of the cap', () => {
    const table: Array<[number, number, number, string]> = [
      // spent (µ$), cap ($), warn share, level
      [0, 50, 0.8, 'ok'],
      [39_999_999, 50, 0.8, 'ok'],
      [40_000_000, 50, 0.8, 'warn'],
      [49_999_999, 50, 0.8, 'warn'],
      [50_000_000, 50, 0.8, 'stop'],
      [90_000_000, 50, 0.8, 'stop'],
      [500_000, 1, 0.5, 'warn'],
    ];
    for (const [spent, cap, share, level] of table)
      assert.equal(spendLevel(spent, cap, share), level, `${spent} of $${cap}`);
  });
  test('cost of reads at X prices, in micro-dollars, and the billing month', () => {
    assert.equal(readCostMicroUsd(100, 0.001), 100_000);
    assert.equal(readCostMicroUsd(3, 0.005), 15_000);
    assert.equal(readCostMicroUsd(1, 0.01), 10_000);
    assert.equal(spendMonth(new Date('2026-12-31T23:59:59Z')), '2026-12');
  });
  test('the demo config gets X published prices and a $50 cap by default', () => {
    const brand = demoConfig().brands[0]!;
    assert.deepEqual(brand.xIntake.pricesUsd, { mentions: 0.001, search: 0.005, dmEvents: 0.01 });
    assert.equal(brand.xIntake.monthlySpendCapUsd, 50);
  });
});

describe('snowflake order', () => {
  test('newerId compares X ids as numbers', () => {
    const table: Array<[string, string, boolean]> = [
      ['1860000000000000002', '1860000000000000001', true],
      ['1860000000000000001', '1860000000000000001', false],
      ['999', '1000', false],
      ['10000000000000000000', '9999999999999999999', true],
    ];
    for (const [a, b, expected] of table) assert.equal(newerId(a, b), expected, `${a} > ${b}`);
  });
});

describe('listening', () => {
  test('the search query: keywords, not from or mentioning us, no reposts, languages', () => {
    const table: Array<[string[], string[], string]> = [
      [[], [], ''],
      [['#demoair'], [], '#demoair -from:DemoAir -@DemoAir -is:retweet'],
      [
        ['demo air', '#demoair', 'demoiar'],
        ['en', 'nl'],
        '("demo air" OR #demoair OR demoiar) -from:DemoAir -@DemoAir -is:retweet (lang:en OR lang:nl)',
      ],
      [['say "hi"'], ['en'], '"say hi" -from:DemoAir -@DemoAir -is:retweet lang:en'],
    ];
    for (const [keywords, languages, query] of table)
      assert.equal(buildListeningQuery(keywords, languages, ['DemoAir']), query);
  });
  test('which keyword hits need care', () => {
    const base: ListeningFacts = {
      sentiment: 'NEUTRAL',
      risks: [],
      intent: null,
      text: 'flying demo air',
      hasOpenCase: false,
    };
    const table: Array<[Partial<ListeningFacts>, boolean]> = [
      [{}, false],
      [{ sentiment: 'POSITIVE' }, false],
      [{ sentiment: 'NEGATIVE' }, true],
      [{ sentiment: 'MIXED' }, true],
      [{ risks: ['legal: lawyer'] }, true],
      [{ intent: 'fare' }, true],
      [{ text: 'does demo air fly to JFK?' }, true],
      [{ text: 'demo air https://x.co/a?b' }, false],
      [{ sentiment: 'POSITIVE', hasOpenCase: true }, true],
    ];
    for (const [patch, care] of table)
      assert.equal(listeningNeedsCare({ ...base, ...patch }).care, care, JSON.stringify(patch));
  });
  test('the refusal names the account and what is allowed', () => {
    const text = listeningPublicReplyRefusal('DemoAir');
    assert.match(text, /does not mention or quote @DemoAir/);
    assert.match(text, /direct message/);
    assert.match(text, /X's own app/);
  });
  test('the stand-in reads the query as X would, roughly', () => {
    const post = (text: string, extra: Partial<StandInPost> = {}): StandInPost => ({
      id: '1',
      text,
      authorId: '9',
      authorHandle: 'someone',
      mentionIds: [],
      mentionHandles: [],
      conversationId: '1',
      lang: 'en',
      createdAt: '2026-12-03T00:00:00Z',
      ...extra,
    });
    const q = '("demo air" OR #demoair) -from:DemoAir -@DemoAir -is:retweet lang:en';
    assert.equal(matchesQuery(q, post('Flying Demo Air today')), true);
    assert.equal(matchesQuery(q, post('love #demoair')), true);
    assert.equal(matchesQuery(q, post('love #demoairline')), false);
    assert.equal(matchesQuery(q, post('@DemoAir demo air is late')), false);
    assert.equal(matchesQuery(q, post('demo air', { authorHandle: 'DemoAir' })), false);
    assert.equal(matchesQuery(q, post('demo air', { lang: 'nl' })), false);
  });
});

describe('brand config: receive and listening', () => {
  test('receive defaults to webhook; poll is per X account; forcing wins', () => {
    const directory = new BrandDirectory(pollingConfig());
    const [care, bot] = directory.allBrands[0]!.accounts;
    assert.equal(directory.xReceiveMode(care!), 'poll');
    assert.equal(directory.xReceiveMode(bot!), 'webhook');
    assert.equal(directory.xReceiveMode(bot!, 'poll'), 'poll');
  });
  test('receive on a non-X account and a too-long listening query are refused, each named', () => {
    assert.throws(
      () =>
        configWith((raw) => {
          raw.brands[0].accounts[2].receive = 'poll';
          raw.brands[0].listening = {
            keywords: Array.from({ length: 20 }, (_, i) => `${'x'.repeat(40)}${i}`),
          };
        }),
      (error: Error) =>
        /accounts\[2\]\.receive: receive is an X setting/.test(error.message) &&
        /listening\.keywords: the search query these keywords make is \d+ characters; X takes 512/.test(
          error.message,
        ),
    );
    assert.throws(
      () =>
        configWith((raw) => {
          raw.brands[0].accounts[0].receive = 'sometimes';
        }),
      /accounts\[0\]\.receive/,
    );
  });
  test('the streams a run reads: mentions and DMs of polling accounts, search of listening brands', () => {
    const config = configWith((raw) => {
      raw.brands[0].accounts[0].receive = 'poll';
      raw.brands[0].listening = { keywords: ['demo air'] };
    });
    // The demo brand receives by webhook and does not listen: nothing to read, no poller deployed.
    assert.deepEqual(planXStreams(new BrandDirectory(demoConfig())), []);
    const directory = new BrandDirectory(config);
    assert.deepEqual(
      planXStreams(directory).map((p) => p.key),
      ['mentions:4000001', 'dm_events:4000001', 'search:demoair'],
    );
    assert.deepEqual(
      planXStreams(directory, 'poll').map((p) => p.key),
      ['mentions:4000001', 'dm_events:4000001', 'mentions:4000002', 'dm_events:4000002', 'search:demoair'],
    );
  });
});

describe('X API v2 reads as interactions', () => {
  const directory = new BrandDirectory(demoConfig());
  const to = { brand: directory.allBrands[0]!, account: directory.allBrands[0]!.accounts[0]! };
  const at = '2026-12-03T10:00:00.000Z';
  test('a mention read by polling is the same message as the one the webhook delivered', () => {
    const webhook = normalizeXActivity(JSON.parse(fixture('x/mention.json')), directory, at).interactions[0]!;
    const polled = normalizeV2Posts(
      {
        data: [
          {
            id: '1860000000000000001',
            text: webhook.text,
            author_id: '3001969357',
            conversation_id: '1860000000000000001',
            created_at: '2026-11-23T09:14:02.000Z',
            lang: 'en',
            entities: { mentions: [{ id: '4000001', username: 'DemoAir' }] },
          },
        ],
        includes: {
          users: [
            {
              id: '3001969357',
              username: 'furiouscamper',
              name: 'Jordan Brinks',
              verified: false,
              public_metrics: { followers_count: 22 },
            },
          ],
        },
      },
      to,
      directory,
      at,
    ).interactions[0]!;
    const same = (i: Interaction) => ({
      id: i.platformMessageId,
      kind: i.kind,
      conversation: i.conversationId,
      author: i.author,
      text: i.text,
      url: i.url,
      createdAt: i.createdAt,
      account: i.account,
      brand: i.brandId,
      lang: i.lang,
    });
    assert.deepEqual(same(polled), same(webhook));
  });
  test('kinds, own posts, reposts, long posts; search hits mentioning us are left to the mentions path', () => {
    const body = {
      data: [
        {
          id: '15',
          text: 'reply',
          author_id: '7',
          referenced_tweets: [{ type: 'replied_to', id: '14' }],
          conversation_id: '10',
        },
        { id: '13', text: 'quote', author_id: '7', referenced_tweets: [{ type: 'quoted', id: '2' }] },
        { id: '12', text: 'RT', author_id: '7', referenced_tweets: [{ type: 'retweeted', id: '2' }] },
        { id: '11', text: 'ours', author_id: '4000002' },
        { id: '10', text: 'short', author_id: '7', note_tweet: { text: 'the long text' } },
        { id: '9', text: '@DemoAir hi', author_id: '7', entities: { mentions: [{ username: 'demoair' }] } },
      ],
    };
    const timeline = normalizeV2Posts(body, to, directory, at);
    assert.deepEqual(timeline.ids, ['15', '13', '12', '11', '10', '9']);
    assert.deepEqual(
      timeline.interactions.map((i) => [
        i.platformMessageId,
        i.kind,
        i.conversationId,
        i.inReplyToId ?? null,
      ]),
      [
        ['15', 'reply', 'x:10', '14'],
        ['13', 'quote', 'x:13', null],
        ['10', 'mention', 'x:10', null],
        ['9', 'mention', 'x:9', null],
      ],
    );
    assert.equal(timeline.interactions[2]?.text, 'the long text');
    assert.deepEqual(timeline.ignored, { retweet: 1, 'own post': 1 });
    const search = normalizeV2Posts(body, to, directory, at, { listening: true });
    assert.deepEqual(
      search.interactions.map((i) => [i.platformMessageId, i.source]),
      [
        ['15', 'listening'],
        ['13', 'listening'],
        ['10', 'listening'],
      ],
    );
  });
  test('DM events: to us, one conversation id per pair as the webhook gives it; ours ignored', () => {
    const result = normalizeV2DmEvents(
      {
        data: [
          { id: '21', event_type: 'MessageCreate', text: 'hello', sender_id: '3001969357', created_at: at },
          { id: '20', event_type: 'MessageCreate', text: 'ours', sender_id: '4000001' },
          { id: '19', event_type: 'ParticipantsJoin', sender_id: '3001969357' },
        ],
        includes: { users: [{ id: '3001969357', username: 'furiouscamper' }] },
      },
      to,
      directory,
      at,
    );
    assert.deepEqual(result.ids, ['21', '20', '19']);
    const [dm] = result.interactions;
    assert.equal(result.interactions.length, 1);
    assert.equal(dm?.conversationId, 'x-dm:3001969357-4000001');
    assert.equal(dm?.visibility, 'private');
    assert.equal(dm?.author.handle, 'furiouscamper');
  });
});

test("OAuth 1.0a: the signature of X's documented example", () => {
  // docs.x.com "Creating a signature": the parameters may sit in the query or the body alike.
  const url = new URL('https://api.twitter.com/1.1/statuses/update.json');
  url.searchParams.set('include_entities', 'true');
  url.searchParams.set('status', 'Hello Ladies + Gentlemen, a signed OAuth request!');
  const header = oauth1Header(
    'POST',
    url,
    {
      apiKey: 'xvz1evFS4wEEPTGEFPHBog',
      apiSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
      accessToken: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
      accessTokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
    },
    { nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958 },
  );
  assert.match(header, /oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"/);
});

test('the reader asks X for the documented parameters', () => {
  const directory = new BrandDirectory(demoConfig());
  const reader = new XHttpReader({
    apiBaseUrl: 'https://api.x.com',
    credentialsFor: async () => ({ apiKey: '', apiSecret: '', accessToken: '', accessTokenSecret: '' }),
    directory,
  });
  const account = { brand: directory.allBrands[0]!, account: directory.allBrands[0]!.accounts[0]! };
  const mentions = reader.urlFor({ stream: 'mentions', account, sinceId: '5', paginationToken: 't' });
  assert.equal(mentions.pathname, '/2/users/4000001/mentions');
  assert.equal(mentions.searchParams.get('since_id'), '5');
  assert.equal(mentions.searchParams.get('pagination_token'), 't');
  assert.equal(mentions.searchParams.get('max_results'), '100');
  assert.equal(mentions.searchParams.get('expansions'), 'author_id');
  assert.match(mentions.searchParams.get('tweet.fields') ?? '', /conversation_id.*lang.*referenced_tweets/);
  const search = reader.urlFor({ stream: 'search', account, query: '#demoair', paginationToken: 'n' });
  assert.equal(search.pathname, '/2/tweets/search/recent');
  assert.equal(search.searchParams.get('query'), '#demoair');
  assert.equal(search.searchParams.get('next_token'), 'n');
  const dms = reader.urlFor({ stream: 'dm_events', account });
  assert.equal(dms.pathname, '/2/dm_events');
  assert.equal(dms.searchParams.get('expansions'), 'sender_id');
});

/** A fake X timeline: posts newest first in pages, since_id, programmable answers. */
class FakeTimeline implements XReader {
  readonly requests: XReadRequest[] = [];
  readonly script: Array<XReadResult | 'throw'> = [];
  constructor(
    readonly ids: string[],
    readonly pageSize = 100,
  ) {}
  async read(request: XReadRequest): Promise<XReadResult> {
    this.requests.push(request);
    const scripted = this.script.shift();
    if (scripted === 'throw') throw new Error('the process died');
    if (scripted) return scripted;
    if (request.stream !== 'mentions') return { status: 'ok', interactions: [], ids: [], resources: 0 };
    const since = request.sinceId;
    const before = request.paginationToken;
    const all = this.ids
      .filter((id) => (!since || newerId(id, since)) && (!before || newerId(before, id)))
      .sort((a, b) => (newerId(a, b) ? -1 : 1));
    const page = all.slice(0, this.pageSize);
    const last = page[page.length - 1];
    return {
      status: 'ok',
      ids: page,
      resources: page.length,
      interactions: page.map((id) => ({ platformMessageId: id }) as Interaction),
      ...(all.length > page.length && last ? { nextToken: last } : {}),
    };
  }
}

describe('the poller (in-memory ports)', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => String(1_000_000 + i));
  const setup = (reader: XReader, patch: (raw: RawConfig) => void = () => {}) => {
    const config = configWith((raw) => {
      raw.brands[0].accounts[0].receive = 'poll';
      patch(raw);
    });
    const deps = {
      directory: new BrandDirectory(config),
      reader,
      state: new InMemoryXPollState(),
      queue: new RecordingQueue(),
      paging: { pages: new InMemoryPageStore(), pager: new RecordingPager() },
    };
    return deps;
  };
  test('walks the pages newest first, enqueues each, commits the newest id at the end', async () => {
    const timeline = new FakeTimeline(ids(250));
    const deps = setup(timeline);
    const [mentions] = await runXPoll(deps);
    assert.deepEqual(mentions, {
      stream: 'mentions:4000001',
      status: 'read',
      pages: 3,
      enqueued: 250,
      resources: 250,
    });
    assert.equal(deps.state.items.get('mentions:4000001')?.sinceId, '1000249');
    assert.equal(new Set(deps.queue.sent.map((i) => i.platformMessageId)).size, 250);
    timeline.ids.push('1000250');
    const [next] = await runXPoll(deps);
    assert.equal(next?.enqueued, 1);
    assert.equal(timeline.requests.at(-2)?.sinceId, '1000249');
  });
  test('a run that dies part-way leaves the cursor; the next run reads again from it', async () => {
    const timeline = new FakeTimeline(ids(250));
    const deps = setup(timeline);
    timeline.script.push(
      await timeline.read({ stream: 'mentions' } as XReadRequest),
      await timeline.read({ stream: 'mentions', paginationToken: '1000150' } as XReadRequest),
      'throw',
    );
    timeline.requests.length = 0;
    const [died] = await runXPoll(deps);
    assert.equal(died?.status, 'failed');
    assert.equal(deps.state.items.get('mentions:4000001')?.sinceId, undefined);
    assert.equal(deps.state.items.get('mentions:4000001')?.leaseOwner, undefined, 'the lease was given up');
    const [again] = await runXPoll(deps);
    assert.equal(again?.enqueued, 250);
    assert.equal(deps.state.items.get('mentions:4000001')?.sinceId, '1000249');
  });
  test('a lease held by a run that died is taken over only after it expires', async () => {
    const deps = setup(new FakeTimeline(ids(3)));
    const now = new Date('2026-12-03T10:00:00Z');
    await deps.state.lease('mentions:4000001', 'dead-run', now, 120_000);
    const [held] = await runXPoll({ ...deps, now: () => new Date(now.getTime() + 60_000) });
    assert.equal(held?.status, 'leased_elsewhere');
    const [taken] = await runXPoll({ ...deps, now: () => new Date(now.getTime() + 121_000) });
    assert.equal(taken?.status, 'read');
    assert.equal(taken?.enqueued, 3);
  });
  test('a 429 stops the stream until the reset; a used-up window pauses the walk where it was', async () => {
    const timeline = new FakeTimeline(ids(250));
    const deps = setup(timeline);
    const now = new Date('2026-12-03T10:00:00Z');
    const resetAt = new Date(now.getTime() + 5 * 60_000);
    timeline.script.push({ status: 'rate_limited', resetAt });
    const [limited] = await runXPoll({ ...deps, now: () => now });
    assert.equal(limited?.status, 'rate_limited');
    const mentionReads = () => timeline.requests.filter((r) => r.stream === 'mentions').length;
    const before = mentionReads();
    const [waiting] = await runXPoll({ ...deps, now: () => new Date(now.getTime() + 60_000) });
    assert.equal(waiting?.status, 'rate_limited');
    assert.equal(mentionReads(), before, 'no mentions read before the reset');
    // After the reset: the first page says the window is used up; the walk resumes there next time.
    const first = await timeline.read({ stream: 'mentions' } as XReadRequest);
    timeline.script.push({
      ...(first as Extract<XReadResult, { status: 'ok' }>),
      rateLimit: { remaining: 0, resetAt: new Date(now.getTime() + 20 * 60_000) },
    });
    const after = new Date(now.getTime() + 6 * 60_000);
    const [paused] = await runXPoll({ ...deps, now: () => after });
    assert.equal(paused?.status, 'rate_limited');
    assert.deepEqual(deps.state.items.get('mentions:4000001')?.resume, {
      newestId: '1000249',
      paginationToken: '1000150',
    });
    const [resumed] = await runXPoll({ ...deps, now: () => new Date(now.getTime() + 21 * 60_000) });
    assert.equal(resumed?.status, 'read');
    assert.equal(new Set(deps.queue.sent.map((i) => i.platformMessageId)).size, 250);
    assert.equal(deps.state.items.get('mentions:4000001')?.sinceId, '1000249');
  });
  test('the spend cap: a warning page at 80%, a critical page and no more reads at 100%', async () => {
    // $0.10 at $0.001 a post, pages of 40: 80 posts warn, 120 stop.
    const timeline = new FakeTimeline(ids(250), 40);
    const deps = setup(timeline, (raw) => {
      raw.brands[0].xIntake = { monthlySpendCapUsd: 0.1 };
    });
    const now = new Date('2026-12-03T10:00:00Z');
    const [first] = await runXPoll({ ...deps, now: () => now });
    assert.equal(first?.status, 'spend_cap');
    assert.equal(first?.resources, 120);
    const published = deps.paging.pager.published.map((p) => [p.pageId, p.severity]);
    assert.deepEqual(published, [
      ['x-spend:demoair:2026-12:warn', 'warning'],
      ['x-spend:demoair:2026-12:stop', 'critical'],
    ]);
    const before = timeline.requests.length;
    const [stopped] = await runXPoll({ ...deps, now: () => now });
    assert.equal(stopped?.status, 'spend_cap');
    assert.equal(timeline.requests.length, before, 'nothing read at the cap');
    assert.equal(deps.paging.pager.published.length, 2, 'each page once');
    // A new month starts from zero.
    const [january] = await runXPoll({ ...deps, now: () => new Date('2027-01-01T00:00:01Z') });
    assert.equal(january?.status, 'spend_cap');
    assert.equal(january?.resources, 120);
  });
  test('an error answer on a path is logged and skipped, never fatal', async () => {
    const timeline = new FakeTimeline(ids(2));
    const deps = setup(timeline);
    timeline.script.push({ status: 'failed', httpStatus: 404, detail: '/2/users/4000001/mentions: 404' });
    const logged: string[] = [];
    const results = await runXPoll({ ...deps, log: (_l, m) => logged.push(m) });
    assert.deepEqual(
      results.map((r) => r.status),
      ['failed', 'read'],
    );
    assert.deepEqual(logged, ['x read failed; skipped until the next run']);
    const [next] = await runXPoll(deps);
    assert.equal(next?.enqueued, 2);
  });
});
