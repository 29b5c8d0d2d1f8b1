import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { DynamoXPollState } from '../../functions/adapters/aws/dynamo-x-poll-state';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import type { XStreamResult } from '../../functions/core/x-intake/poll';
import { type PlatformStandIn, startPlatformStandIn } from '../../functions/local-runtime/platform-stand-in';
import {
  type LocalSystem,
  type LocalSystemOptions,
  startLocalSystem,
} from '../../functions/local-runtime/runtime';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, postX, waitFor, X_SECRET } from './support';

/**
 * Polling and listening against the running local system: the embedded DynamoDB and SQS, the real
 * consumers, and the X stand-in serving the mentions timeline, DM events and recent search.
 */

const mentionsOf = (results: XStreamResult[]) => results.filter((r) => r.stream === 'mentions:4000001');

/** The cases of these post ids (read 100 at a time: one read per id is slow on a busy machine). */
async function casesOf(system: LocalSystem, ids: string[]): Promise<Array<Record<string, unknown>>> {
  const doc = DynamoDBDocumentClient.from(system.dynamo.client);
  const found: Array<Record<string, unknown>> = [];
  for (let i = 0; i < ids.length; i += 100) {
    let keys = ids.slice(i, i + 100).map((id) => ({ PK: `CASE#x-${id}`, SK: 'CASE' }));
    while (keys.length) {
      const { Responses, UnprocessedKeys } = await doc.send(
        new BatchGetCommand({
          RequestItems: { [system.dynamo.tableName]: { Keys: keys, ConsistentRead: true } },
        }),
      );
      found.push(...(Responses?.[system.dynamo.tableName] ?? []));
      keys = (UnprocessedKeys?.[system.dynamo.tableName]?.Keys ?? []) as typeof keys;
    }
  }
  return found;
}

const caseCount = async (system: LocalSystem, ids: string[]) => (await casesOf(system, ids)).length;

/** Waits for this many cases, looking every few seconds (triage of hundreds takes minutes on a busy machine). */
const waitForCases = (system: LocalSystem, ids: string[], count: number) =>
  waitFor(
    `${count} cases`,
    async () => {
      if ((await caseCount(system, ids)) === count) return true;
      await new Promise((r) => setTimeout(r, 3000));
      return undefined;
    },
    // About a case a second on a quiet machine; a busy one is several times slower.
    900_000,
  );

describe('polling the mentions timeline', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'socialcare-xpoll-'));
  let standIn: PlatformStandIn;
  let system: LocalSystem | undefined;
  const start = (extra: Partial<LocalSystemOptions> = {}) =>
    startLocalSystem({
      brandConfig: demoConfig(),
      port: 0,
      apiToken: API_TOKEN,
      xConsumerSecret: X_SECRET,
      // SQS's default (30 s): a record is not delivered again while triage is still writing it.
      visibilityTimeoutSeconds: 30,
      dataDir,
      // Outside the system, so it keeps its posts while the system restarts.
      xApiBaseUrl: standIn.url,
      xReceive: 'poll',
      xPollIntervalMs: 0,
      ...extra,
    });

  beforeAll(async () => {
    standIn = await startPlatformStandIn();
  });
  afterAll(async () => {
    await system?.stop();
    await standIn?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The heaviest test here (250 mentions, a killed run, a restart, a 429 wait): on a shared machine at a
  // load of 26 on 2 cores it outlived jest's 300 s default once, so it names its own limit.
  test('250 mentions over three pages, a run that dies mid-way, a restart, a 429 with a reset and two pollers at once: every mention once', async () => {
    const posts = Array.from({ length: 250 }, (_, i) =>
      standIn.xRead.addPost({
        text: `@DemoAir where is my bag? reference ${i}`,
        authorId: String(9_200_000 + i),
        authorHandle: `traveller${i}`,
        mentionIds: ['4000001'],
        mentionHandles: ['DemoAir'],
        lang: 'en',
      }),
    );
    const ids = posts.map((p) => p.id);
    const newest = ids[ids.length - 1];

    // The third page fails: the run ends after two pages were enqueued, its cursor not moved.
    system = await start();
    standIn.xRead.failNext('mentions', 503, 1, 2);
    const [died] = mentionsOf(await system.pollX());
    assert.equal(died?.status, 'failed');
    assert.equal(died?.pages, 2);
    assert.equal(died?.enqueued, 200);
    // Stopped before triage has caught up: what was enqueued is journaled and triaged after the restart.
    const state = () => new DynamoXPollState(system!.dynamo.client, system!.dynamo.tableName);
    assert.equal(
      (await state().cursor('mentions:4000001'))?.sinceId,
      undefined,
      'the cursor waits for the whole walk',
    );

    // Restart on the same data folder; X answers 429 until a reset some seconds away.
    await system.stop();
    system = await start();
    const reset = Math.ceil(Date.now() / 1000) + 10;
    standIn.xRead.rateLimitNext('mentions', reset);
    const [limited] = mentionsOf(await system.pollX());
    assert.equal(limited?.status, 'rate_limited');
    // The stream rests until X's reset (the unit tests show no read is made before it).
    assert.equal(
      (await state().cursor('mentions:4000001'))?.rateLimitedUntil,
      new Date(reset * 1000).toISOString(),
    );

    // Past the reset, two pollers at once: one holds the stream, the other leaves it alone.
    await waitFor('the reset', async () => Date.now() / 1000 >= reset || undefined, 60_000);
    const pair = (await Promise.all([system.pollX(), system.pollX()])).flatMap(mentionsOf);
    // One run walked the stream; the other found it leased (or, had it come late, found nothing new).
    const reads = pair.filter((r) => r.status === 'read' && r.enqueued > 0);
    assert.equal(reads.length, 1, JSON.stringify(pair));
    assert.equal(
      pair.reduce((n, r) => n + r.enqueued, 0),
      250,
      JSON.stringify(pair),
    );
    assert.equal(reads[0]?.enqueued, 250);
    assert.equal(reads[0]?.pages, 3);

    await waitForCases(system, ids, 250);
    await system.drained();
    const cases = await casesOf(system, ids);
    assert.equal(cases.length, 250);
    assert.ok(
      cases.every((c) => c.messageCount === 1),
      'one message per case',
    );
    // Spot checks of the messages themselves: the first, a page boundary, the last.
    for (const id of [ids[0], ids[99], ids[100], ids[249]] as string[]) {
      const messages = await system.store.listMessages(`x-${id}`);
      assert.deepEqual(
        messages.map((m) => m.platformMessageId),
        [id],
      );
    }
    assert.equal((await state().cursor('mentions:4000001'))?.sinceId, newest);
  }, 900_000);

  test('the cursor survives a restart, and the timer polls on its own', async () => {
    await system?.stop();
    system = await start({ xPollIntervalMs: 200 });
    const stored = await new DynamoXPollState(system.dynamo.client, system.dynamo.tableName).cursor(
      'mentions:4000001',
    );
    assert.ok(stored?.sinceId, 'cursor kept on disk');
    const post = standIn.xRead.addPost({
      text: '@DemoAir my flight to JFK was cancelled and nobody answers',
      authorId: '9299999',
      authorHandle: 'latecomer',
      mentionIds: ['4000001'],
      mentionHandles: ['DemoAir'],
      lang: 'en',
    });
    const careCase = await waitFor(
      'the new mention polled by the timer',
      () => system!.store.getCase(`x-${post.id}`),
      30_000,
    );
    assert.equal(careCase.sentiment, 'NEGATIVE');
    const sinces = standIn.xRead.requests
      .filter((r) => r.endpoint === 'mentions' && r.accountId === '4000001')
      .map((r) => r.query.since_id);
    assert.ok(
      sinces.includes(stored.sinceId),
      'the first poll after the restart asked from the stored cursor',
    );
    assert.equal(await caseCount(system, [post.id]), 1);
  });

  test('one post that arrives by the Account Activity API, the X Activity API and polling is one case and one message', async () => {
    // The post on X (a new id, above every cursor), then the same post as both webhooks deliver it.
    const text = "@DemoAir my flight KL123 was cancelled and I've been on hold for 2 hours. Nobody answers.";
    const post = standIn.xRead.addPost({
      text,
      authorId: '3001969357',
      authorHandle: 'furiouscamper',
      mentionIds: ['4000001'],
      mentionHandles: ['DemoAir'],
      lang: 'en',
    });
    const aaa = JSON.parse(fixture('x/mention.json'));
    Object.assign(aaa.tweet_create_events[0], { id_str: post.id, timestamp_ms: String(Date.now()) });
    const xaa = JSON.parse(fixture('x/xaa-post.mention.create-same-post-as-mention.json'));
    Object.assign(xaa.data.payload, {
      id: post.id,
      conversation_id: post.id,
      edit_history_tweet_ids: [post.id],
      created_at: new Date().toISOString(),
    });
    const url = system!.url;
    const delivered = await Promise.all([postX(url, JSON.stringify(aaa)), postX(url, JSON.stringify(xaa))]);
    assert.deepEqual(
      delivered.map((d) => d.status),
      [200, 200],
    );
    // This run or the timer's reads it: the cursor moves past a post only once it was enqueued.
    await system!.pollX();
    const state = new DynamoXPollState(system!.dynamo.client, system!.dynamo.tableName);
    await waitFor('the poller past the post', async () =>
      (await state.cursor('mentions:4000001'))?.sinceId === post.id ? true : undefined,
    );
    await waitFor('the case', () => system!.store.getCase(`x-${post.id}`));
    await system!.drained();
    const messages = await system!.store.listMessages(`x-${post.id}`);
    assert.deepEqual(
      messages.map((m) => m.platformMessageId),
      [post.id],
    );
    assert.equal((await system!.store.getCase(`x-${post.id}`))?.messageCount, 1);
  });
});

describe('listening, DMs and the spend cap', () => {
  let system: LocalSystem;
  const config = () => {
    const raw = JSON.parse(JSON.stringify(demoConfig()));
    raw.brands[0].accounts[0].receive = 'poll';
    raw.brands[0].listening = { keywords: ['demo air', '#demoair'] };
    // $0.10 a month, warned at half: a few dozen posts reach it.
    raw.brands[0].xIntake = { monthlySpendCapUsd: 0.1, warnAtShare: 0.5 };
    return parseBrandConfig(raw);
  };
  beforeAll(async () => {
    system = await startLocalSystem({
      brandConfig: config(),
      port: 0,
      apiToken: API_TOKEN,
      xConsumerSecret: X_SECRET,
      // SQS's default (30 s): a record is not delivered again while triage is still writing it.
      visibilityTimeoutSeconds: 30,
      xPollIntervalMs: 0,
    });
  });
  afterAll(() => system?.stop());

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test('a keyword hit that needs care is a listening case; a public reply to it is refused with the reason', async () => {
    const x = system.standIn.xRead;
    const complaint = x.addPost({
      text: 'demo air lost my bag again, terrible service',
      authorId: '9300001',
      authorHandle: 'grumpy',
      lang: 'en',
    });
    const praise = x.addPost({
      text: 'Loving #demoair today, great crew',
      authorId: '9300002',
      authorHandle: 'happy',
      lang: 'en',
    });
    const mention = x.addPost({
      text: '@DemoAir demo air is late',
      authorId: '9300003',
      authorHandle: 'direct',
      mentionHandles: ['DemoAir'],
      lang: 'en',
    });
    const dm = x.addDmEvent({
      text: 'Hi, my booking code is gone',
      senderId: '9300004',
      senderHandle: 'private',
      recipientId: '4000001',
    });

    const results = await system.pollX();
    const search = results.find((r) => r.stream === 'search:demoair');
    assert.equal(search?.status, 'read');
    assert.equal(search?.resources, 2, 'the post mentioning us is not a search hit');
    assert.equal(results.find((r) => r.stream === 'dm_events:4000001')?.enqueued, 1);

    const careCase = await waitFor('the listening case', () => system.store.getCase(`x-${complaint.id}`));
    assert.equal(careCase.source, 'listening');
    await waitFor('the DM case', () => system.store.getCase(`x-${dm.id}`));
    await system.drained();
    assert.equal(await system.store.getCase(`x-${praise.id}`), undefined, 'praise is counted, not a case');
    assert.equal(
      await system.store.getCase(`x-${mention.id}`),
      undefined,
      'a mention comes by the mentions path',
    );
    const doc = DynamoDBDocumentClient.from(system.dynamo.client);
    const at = Date.now();
    const bucket = new Date(at - (at % 600_000)).toISOString();
    const counted = await doc.send(
      new GetCommand({
        TableName: system.dynamo.tableName,
        Key: { PK: 'VOLUME#listening:demoair', SK: bucket },
      }),
    );
    assert.equal(counted.Item?.n, 1);

    const view = await api(system.url, `/api/cases/x-${complaint.id}`);
    assert.equal((view.body.case as { source?: string }).source, 'listening');
    const publicReply = view.body.publicReply as { allowed: boolean; reason: string };
    assert.equal(publicReply.allowed, false);
    assert.match(publicReply.reason, /does not mention or quote @DemoAir/);

    const version = (view.body.case as { version: number }).version;
    const refused = await call('POST', `/api/cases/x-${complaint.id}/reply`, {
      version,
      text: 'Sorry about your bag, we are on it',
      visibility: 'public',
      requestId: 'listening-public-1',
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.field, 'visibility');
    assert.match(
      String(refused.body.error),
      /X lets this app reply in public only to posts that mention or quote it/,
    );
    assert.match(String(refused.body.error), /direct message/);
    const closeOut = await call('POST', `/api/cases/x-${complaint.id}/resolve`, {
      version,
      closeOut: 'Glad we sorted it',
      requestId: 'listening-close-1',
    });
    assert.equal(closeOut.status, 400);

    // What is allowed: a direct message, with no public note under the post.
    const sent = await call('POST', `/api/cases/x-${complaint.id}/reply`, {
      version,
      text: 'Sorry about your bag. Could you send us your file reference?',
      visibility: 'private',
      requestId: 'listening-private-1',
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.deepEqual(sent.body.outboxIds, [`agent_reply:x-${complaint.id}:listening-private-1`]);
    const delivered = await waitFor('the DM at the stand-in', async () =>
      system.standIn.sent.find((p) => p.kind === 'dm' && p.recipientId === '9300001'),
    );
    assert.equal(delivered.accountId, '4000001');
    assert.equal(
      system.standIn.sent.filter((p) => p.kind === 'reply' && p.inReplyToId === complaint.id).length,
      0,
    );
  });

  test('the spend cap pages on-call at the warning share and at the cap, then stops reading', async () => {
    const x = system.standIn.xRead;
    const mention = (i: number) =>
      x.addPost({
        text: `@DemoAir question ${i}?`,
        authorId: String(9_400_000 + i),
        mentionIds: ['4000001'],
        lang: 'en',
      });
    for (let i = 0; i < 60; i++) mention(i);
    await system.pollX();
    const pagesNow = async () =>
      (
        (await api(system.url, '/api/pages')).body.pages as Array<{
          pageId: string;
          kind: string;
          severity: string;
          title: string;
        }>
      ).filter((p) => p.kind === 'x_spend');
    const warned = await pagesNow();
    assert.deepEqual(
      warned.map((p) => p.severity),
      ['warning'],
    );
    assert.match(warned[0]?.title ?? '', /X reads at \d+% of the monthly cap/);
    for (let i = 60; i < 110; i++) mention(i);
    const results = await system.pollX();
    assert.ok(results.some((r) => r.status === 'spend_cap'));
    const paged = await pagesNow();
    assert.deepEqual(paged.map((p) => p.severity).sort(), ['critical', 'warning']);
    assert.match(
      paged.find((p) => p.severity === 'critical')?.title ?? '',
      /reached the monthly cap .*polling and listening stopped/,
    );
    const reads = x.requests.length;
    const stopped = await system.pollX();
    assert.ok(
      stopped.every((r) => r.status === 'spend_cap'),
      JSON.stringify(stopped),
    );
    assert.equal(x.requests.length, reads, 'nothing read at the cap');
  });
});
