import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { Interaction } from '../../functions/core/interaction';
import { recordInteractions, UnknownBrandError } from '../../functions/core/record-interactions';
import {
  InMemoryCaseStore,
  InMemoryOutboxStore,
  InMemoryPageStore,
  InMemoryRateLimiter,
  RecordingOutboundQueue,
  RecordingPager,
  StubSentiment,
} from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

function mention(id: string, overrides: Partial<Interaction> = {}): Interaction {
  return {
    schemaVersion: 1,
    platform: 'x',
    visibility: 'public',
    kind: 'mention',
    platformMessageId: id,
    brandId: 'demoair',
    account: { id: '4000001', role: 'care' },
    author: { id: '42', handle: 'traveller', followers: 100 },
    text: '@DemoAir my bag is lost',
    createdAt: '2026-11-23T10:00:00.000Z',
    receivedAt: '2026-11-23T10:00:05.000Z',
    ...overrides,
  };
}

function setup(label: (text: string) => 'NEGATIVE' | 'POSITIVE' | 'NEUTRAL' = () => 'NEGATIVE') {
  const store = new InMemoryCaseStore();
  const sentiment = new StubSentiment(label);
  return { store, sentiment, deps: { directory: demoDirectory(), store, sentiment } };
}

test('a first post opens a case with the first-response deadline of its priority', async () => {
  const { store, deps } = setup();
  const [outcome] = await recordInteractions([mention('1')], deps);
  assert.deepEqual(outcome, { status: 'opened', caseId: 'x-1', sentiment: 'NEGATIVE', priority: 'high' });
  const careCase = store.cases.get('x-1')!;
  assert.equal(careCase.status, 'open');
  assert.equal(
    careCase.firstResponseDueAt,
    '2026-11-23T10:30:05.000Z',
    'high: 30 minutes after it reached us',
  );
  assert.equal(careCase.resolutionDueAt, '2026-11-24T10:00:05.000Z');
  assert.equal(careCase.nextDeadlineAt, careCase.firstResponseDueAt);
  assert.equal(careCase.nextDeadlineKind, 'first_response');
  assert.deepEqual(careCase.priorityReasons, ['negative sentiment']);
  assert.equal(store.messages.get('x-1')?.length, 1);
});

test('the same post delivered twice gives one case and one message, and is not classified again', async () => {
  const { store, sentiment, deps } = setup();
  await recordInteractions([mention('1')], deps);
  const outcomes = await recordInteractions([mention('1'), mention('1')], deps);
  assert.deepEqual(outcomes, [{ status: 'duplicate' }, { status: 'duplicate' }]);
  assert.equal(store.cases.size, 1);
  assert.equal(store.messages.get('x-1')?.length, 1);
  assert.equal(sentiment.calls, 1);
});

test('a duplicate inside one batch is recorded once', async () => {
  const { store, deps } = setup();
  const outcomes = await recordInteractions([mention('1'), mention('1')], deps);
  assert.deepEqual(
    outcomes.map((o) => ('status' in o ? o.status : 'error')),
    ['opened', 'duplicate'],
  );
  assert.equal(store.messages.get('x-1')?.length, 1);
});

test('the customer writing again joins the open case; priority only rises and the deadline only comes sooner', async () => {
  const { store, deps } = setup((text) => (text.includes('thanks') ? 'POSITIVE' : 'NEGATIVE'));
  // Praise that asks for something needs a reply (thanks alone would go to the no-reply lane).
  await recordInteractions(
    [mention('1', { text: '@DemoAir thanks, lovely crew today, please pass it on to them' })],
    deps,
  );
  assert.equal(store.cases.get('x-1')?.priority, 'low');
  assert.equal(store.cases.get('x-1')?.lane, 'reply');
  const [outcome] = await recordInteractions(
    [
      mention('2', {
        kind: 'reply',
        inReplyToId: '1',
        text: '@DemoAir my lawyer will hear of this',
        receivedAt: '2026-11-23T10:05:00.000Z',
      }),
    ],
    deps,
  );
  assert.deepEqual(outcome, { status: 'attached', caseId: 'x-1', sentiment: 'NEGATIVE', priority: 'urgent' });
  const careCase = store.cases.get('x-1')!;
  assert.equal(careCase.messageCount, 2);
  assert.equal(careCase.version, 2);
  assert.deepEqual(careCase.risks, ['legal: lawyer']);
  assert.equal(careCase.action, 'escalate');
  assert.equal(
    careCase.firstResponseDueAt,
    '2026-11-23T10:15:05.000Z',
    'urgent: 15 minutes from when the case opened',
  );
  assert.equal(store.messages.get('x-1')?.length, 2);
});

test('a DM from the same customer joins the open case; another customer gets their own', async () => {
  const { store, deps } = setup();
  await recordInteractions(
    [
      mention('1'),
      mention('dm-1', { kind: 'dm', visibility: 'private' }),
      mention('3', { author: { id: '77' } }),
    ],
    deps,
  );
  assert.deepEqual([...store.cases.keys()], ['x-1', 'x-3']);
  assert.equal(store.cases.get('x-1')?.messageCount, 2);
});

test('posts by our own accounts never open a case', async () => {
  const { store, deps } = setup();
  const [outcome] = await recordInteractions(
    [mention('1', { author: { id: '4000002', handle: 'DemoAirFares' } })],
    deps,
  );
  assert.deepEqual(outcome, { status: 'skipped', reason: 'authored by our own account' });
  assert.equal(store.cases.size, 0);
});

test('an unknown brand fails that record only', async () => {
  const { store, deps } = setup();
  const outcomes = await recordInteractions([mention('1', { brandId: 'nope' }), mention('2')], deps);
  assert.ok(outcomes[0] instanceof UnknownBrandError);
  assert.equal((outcomes[1] as { status: string }).status, 'opened');
  assert.equal(store.cases.size, 1);
});

test('concurrent first posts of one customer end in one case with both messages', async () => {
  const { store, deps } = setup();
  await Promise.all([recordInteractions([mention('1')], deps), recordInteractions([mention('2')], deps)]);
  assert.equal(store.cases.size, 1);
  const [only] = store.cases.values();
  assert.equal(only?.messageCount, 2);
});

test('a repeat contact and a customer already waiting past a deadline rise one step, never to urgent', async () => {
  const { store, deps } = setup((text) => (text.includes('where') ? 'NEUTRAL' : 'NEGATIVE'));
  // Two earlier cases, both resolved.
  for (const id of ['a', 'b']) {
    await recordInteractions([mention(id, { text: '@DemoAir where is my refund' })], deps);
    const done = store.cases.get(`x-${id}`)!;
    await store.updateCase({ ...done, status: 'resolved', version: done.version + 1 }, done.version);
  }
  await recordInteractions([mention('c', { text: '@DemoAir where is my refund' })], deps);
  const third = store.cases.get('x-c')!;
  assert.equal(third.priority, 'high');
  assert.deepEqual(third.priorityReasons, ['neutral sentiment', 'repeat contact (2 earlier cases)']);
  // Writing again two hours later, past the first-response deadline.
  await recordInteractions(
    [mention('d', { text: '@DemoAir where is it', receivedAt: '2026-11-23T12:00:05.000Z' })],
    deps,
  );
  assert.equal(store.cases.get('x-c')!.priority, 'high', 'never urgent through bumps alone');
});

test('a customer marked abusive is recorded at low priority, never escalated, paged or auto-answered', async () => {
  const { store, deps } = setup();
  const pager = new RecordingPager();
  const outbox = new InMemoryOutboxStore();
  const queue = new RecordingOutboundQueue();
  const watched = {
    ...deps,
    paging: {
      pages: new InMemoryPageStore(),
      pager,
      linkFor: (id: string) => `https://console/#/cases/${id}`,
    },
    replies: { outbox, queue, limiter: new InMemoryRateLimiter() },
  };
  await store.markAbusive(
    'demoair',
    { platform: 'x', id: '42' },
    { by: 'lead@demoair', at: '2026-11-20T00:00:00Z', note: 'troll' },
  );
  // A legal threat (would page) to the care account, then a fare question to the bot (would be answered).
  const [outcome] = await recordInteractions(
    [mention('1', { text: '@DemoAir my lawyer will sue you, awful' })],
    watched,
  );
  assert.equal((outcome as { status: string }).status, 'opened');
  const careCase = store.cases.get('x-1')!;
  assert.equal(careCase.priority, 'low');
  assert.equal(careCase.action, 'agent');
  assert.deepEqual(careCase.priorityReasons, ['marked abusive by lead@demoair: troll']);
  assert.deepEqual(careCase.risks, ['legal: lawyer'], 'the record keeps what was said');
  assert.equal(store.messages.get('x-1')?.length, 1);
  await store.updateCase(
    { ...careCase, status: 'resolved', version: careCase.version + 1 },
    careCase.version,
  );
  await recordInteractions(
    [
      mention('2', {
        account: { id: '4000002', role: 'bot' },
        text: '@DemoAirFares how much is a return AMS to JFK',
      }),
    ],
    watched,
  );
  assert.equal(store.cases.get('x-2')?.botDeclined, 'abusive');
  assert.deepEqual(pager.published, [], 'never paged');
  assert.deepEqual(queue.ids, [], 'never answered');
  assert.equal(outbox.entries.size, 0);
});

test("a case's sentiment is the worst of its customer's messages; the latest reading is kept beside it", async () => {
  const { store, deps } = setup((text) =>
    text.includes('furious') ? 'NEGATIVE' : text.includes('thanks') ? 'POSITIVE' : 'NEUTRAL',
  );
  await recordInteractions([mention('1', { text: '@DemoAir I am furious, my bag is lost' })], deps);
  await recordInteractions(
    [mention('2', { text: '@DemoAir it is the blue one', receivedAt: '2026-11-23T10:05:00.000Z' })],
    deps,
  );
  let careCase = store.cases.get('x-1')!;
  assert.equal(careCase.messageCount, 2);
  assert.equal(careCase.sentiment, 'NEGATIVE', 'a neutral follow-up does not calm an angry case');
  assert.equal(careCase.latestSentiment, 'NEUTRAL');
  assert.deepEqual(careCase.priorityReasons, ['negative sentiment']);
  await recordInteractions(
    [mention('3', { text: '@DemoAir thanks anyway', receivedAt: '2026-11-23T10:06:00.000Z' })],
    deps,
  );
  careCase = store.cases.get('x-1')!;
  assert.deepEqual([careCase.sentiment, careCase.latestSentiment], ['NEGATIVE', 'POSITIVE']);
});

test('a risk page is built from the masked text, with or without a PII detector given', async () => {
  const { deps } = setup();
  const pager = new RecordingPager();
  const pages = new InMemoryPageStore();
  await recordInteractions(
    [mention('9', { text: '@DemoAir I will sue you. card 4111 1111 1111 1111, mail me at a.b@example.com' })],
    { ...deps, paging: { pages, pager, linkFor: (id: string) => `https://console/#/cases/${id}` } },
  );
  const [page] = pager.published;
  assert.equal(page?.kind, 'risk');
  const listed = await pages.listPages(10, 'demoair');
  for (const out of [page, ...listed]) {
    assert.doesNotMatch(JSON.stringify(out), /4111 1111 1111 1111|a\.b@example\.com/);
    assert.match(out!.text, /card •••• •••• •••• 1111, mail me at \[email\]/);
  }
  assert.match(deps.store.cases.get('x-9')!.subject, /•••• 1111/);
});
