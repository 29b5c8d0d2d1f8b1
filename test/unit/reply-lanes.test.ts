import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { applySentReply, moveToLane, sentimentTrendOf } from '../../functions/core/cases';
import type { Interaction } from '../../functions/core/interaction';
import { recordInteractions } from '../../functions/core/record-interactions';
import { runSlaMonitor } from '../../functions/core/sla-monitor';
import {
  InMemoryCaseStore,
  InMemoryDueFinder,
  InMemoryOutboxStore,
  InMemoryPageStore,
  InMemoryRateLimiter,
  RecordingOutboundQueue,
  RecordingPager,
  StubSentiment,
} from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

function post(id: string, text: string, overrides: Partial<Interaction> = {}): Interaction {
  return {
    schemaVersion: 1,
    platform: 'x',
    visibility: 'public',
    kind: 'mention',
    platformMessageId: id,
    brandId: 'demoair',
    account: { id: '4000001', role: 'care' },
    author: { id: '42', handle: 'traveller', followers: 100 },
    text,
    createdAt: '2026-11-23T10:00:00.000Z',
    receivedAt: '2026-11-23T10:00:05.000Z',
    ...overrides,
  };
}

const positiveUnlessComplaint = (text: string) =>
  /lost|late|awful|worst|lawyer/.test(text)
    ? 'NEGATIVE'
    : /thank|love|great/i.test(text)
      ? 'POSITIVE'
      : 'NEUTRAL';

function setup() {
  const directory = demoDirectory();
  const store = new InMemoryCaseStore();
  const pages = new InMemoryPageStore();
  const pager = new RecordingPager();
  const queue = new RecordingOutboundQueue();
  const deps = {
    directory,
    store,
    sentiment: new StubSentiment(positiveUnlessComplaint),
    paging: { pages, pager, linkFor: (id: string) => `https://console/#/cases/${id}` },
    replies: { outbox: new InMemoryOutboxStore(), queue, limiter: new InMemoryRateLimiter() },
  };
  // Each run moves a due case one step (warning, breach, repeat): three runs see them all.
  const monitor = async (now: string) => {
    for (let run = 0; run < 3; run++) {
      await runSlaMonitor({
        directory,
        cases: store,
        due: new InMemoryDueFinder(store),
        pages,
        pager,
        linkFor: (id: string) => `https://console/#/cases/${id}`,
        now: () => new Date(now),
      });
    }
  };
  return { store, deps, pager, queue, monitor, brand: directory.brand('demoair')! };
}

describe('the no-reply lane', () => {
  test.each([
    ['thanks', '@DemoAir thanks, lovely crew today!'],
    ['bare mention', '@DemoAir'],
    ['promotion', '@DemoAir giveaway! follow back for a chance to win a trip'],
  ])('%s: a case with no deadline, never paged, never answered by the bot', async (_, text) => {
    const { store, deps, pager, queue, monitor } = setup();
    await recordInteractions(
      [post('1', text), post('2', text, { account: { id: '4000002', role: 'bot' }, author: { id: '43' } })],
      deps,
    );
    for (const caseId of ['x-1', 'x-2']) {
      const careCase = store.cases.get(caseId)!;
      assert.equal(careCase.lane, 'no_reply');
      assert.ok(careCase.laneReason);
      assert.equal(careCase.status, 'open', 'recorded and visible');
      for (const clock of [
        'firstResponseDueAt',
        'resolutionDueAt',
        'nextDeadlineAt',
        'sla',
        'awaitingReplySince',
      ])
        assert.equal(careCase[clock as keyof typeof careCase], undefined, clock);
      assert.equal(store.messages.get(caseId)?.[0]?.needsReply, false);
    }
    await monitor('2026-11-30T10:00:00.000Z');
    assert.deepEqual(pager.published, [], 'no warning, breach or repeat a week later');
    assert.deepEqual(queue.ids, [], 'no bot hand-off, no acknowledgement');
  });

  test('a complaint is in the reply lane with its deadline, and pages when missed', async () => {
    const { store, deps, pager, monitor } = setup();
    await recordInteractions([post('1', '@DemoAir my bag is lost, awful')], deps);
    const careCase = store.cases.get('x-1')!;
    assert.equal(careCase.lane, 'reply');
    assert.equal(careCase.firstResponseDueAt, '2026-11-23T10:30:05.000Z');
    await monitor('2026-11-23T11:00:00.000Z');
    assert.ok(pager.published.some((p) => p.kind === 'deadline_breach' && p.caseId === 'x-1'));
  });

  test('a later message that needs a reply moves the case to the reply lane, deadlines from that message', async () => {
    const { store, deps } = setup();
    await recordInteractions([post('1', '@DemoAir thanks, lovely crew today!')], deps);
    await recordInteractions(
      [post('2', '@DemoAir and now my bag is lost', { receivedAt: '2026-11-25T08:00:00.000Z' })],
      deps,
    );
    const careCase = store.cases.get('x-1')!;
    assert.equal(careCase.lane, 'reply');
    assert.equal(careCase.messageCount, 2);
    assert.equal(careCase.replyLaneSince, '2026-11-25T08:00:00.000Z');
    assert.equal(careCase.awaitingReplySince, '2026-11-25T08:00:00.000Z');
    assert.equal(
      careCase.firstResponseDueAt,
      '2026-11-25T08:30:00.000Z',
      'high: 30 minutes from the complaint',
    );
    assert.equal(careCase.resolutionDueAt, '2026-11-26T08:00:00.000Z');
    assert.equal(
      careCase.sla?.startedAt,
      '2026-11-25T08:00:00.000Z',
      'the warning counts from the complaint',
    );
    assert.equal(careCase.sentiment, 'NEGATIVE');
  });

  test('another thank-you on a no-reply case leaves it untimed', async () => {
    const { store, deps } = setup();
    await recordInteractions([post('1', '@DemoAir thanks, lovely crew today!')], deps);
    await recordInteractions(
      [post('2', '@DemoAir love you', { receivedAt: '2026-11-23T11:00:00.000Z' })],
      deps,
    );
    const careCase = store.cases.get('x-1')!;
    assert.deepEqual(
      [careCase.lane, careCase.messageCount, careCase.nextDeadlineAt],
      ['no_reply', 2, undefined],
    );
  });

  test('a thank-you after our answer does not restart the clock: the case stays waiting on the customer', async () => {
    const { store, deps, brand } = setup();
    await recordInteractions([post('1', '@DemoAir my bag is lost, awful')], deps);
    const opened = store.cases.get('x-1')!;
    const answered = applySentReply(brand, opened, {
      reason: 'agent_reply',
      sentBy: 'ana',
      sentAt: '2026-11-23T10:10:00.000Z',
    });
    await store.updateCase(answered, opened.version);
    await recordInteractions(
      [post('2', '@DemoAir thanks, all sorted!', { receivedAt: '2026-11-23T10:20:00.000Z' })],
      deps,
    );
    const careCase = store.cases.get('x-1')!;
    assert.equal(careCase.status, 'waiting_on_customer');
    assert.equal(careCase.lane, 'reply');
    assert.equal(careCase.nextResponseDueAt, undefined);
    assert.equal(careCase.messageCount, 2);
    // A question afterwards is owed its next response as before.
    await recordInteractions(
      [
        post('3', '@DemoAir one more thing, where do I collect it?', {
          receivedAt: '2026-11-23T10:30:00.000Z',
        }),
      ],
      deps,
    );
    assert.equal(store.cases.get('x-1')!.status, 'open');
    assert.ok(store.cases.get('x-1')!.nextResponseDueAt);
  });

  test('an agent moves a case between lanes: to no-reply stops every clock, back to reply starts them from the move', () => {
    const { brand } = setup();
    const base = {
      caseId: 'x-9',
      brandId: 'demoair',
      platform: 'x' as const,
      status: 'open' as const,
      version: 3,
      priority: 'normal' as const,
      priorityReasons: [],
      risks: [],
      sentiment: 'NEUTRAL' as const,
      sentimentScores: { positive: 0, negative: 0, neutral: 1, mixed: 0 },
      sentimentSource: 'local' as const,
      intent: null,
      action: 'agent' as const,
      lane: 'reply' as const,
      customer: { platform: 'x' as const, id: '42' },
      accountId: '4000001',
      accountRole: 'care' as const,
      visibility: 'public' as const,
      subject: 'hello',
      openedAt: '2026-11-23T10:00:00.000Z',
      lastInboundAt: '2026-11-23T10:00:00.000Z',
      messageCount: 1,
      awaitingReplySince: '2026-11-23T10:00:00.000Z',
      firstResponseDueAt: '2026-11-23T11:00:00.000Z',
      resolutionDueAt: '2026-11-24T10:00:00.000Z',
    };
    const quiet = moveToLane(brand, base, 'no_reply', 'moved by ana', new Date('2026-11-23T10:05:00.000Z'));
    assert.deepEqual(
      [
        quiet.lane,
        quiet.version,
        quiet.nextDeadlineAt,
        quiet.firstResponseDueAt,
        quiet.awaitingReplySince,
        quiet.sla,
      ],
      ['no_reply', 4, undefined, undefined, undefined, undefined],
    );
    const back = moveToLane(brand, quiet, 'reply', 'moved by ana', new Date('2026-11-23T12:00:00.000Z'));
    assert.deepEqual(
      [back.lane, back.status, back.awaitingReplySince, back.firstResponseDueAt, back.nextDeadlineKind],
      ['reply', 'open', '2026-11-23T12:00:00.000Z', '2026-11-23T13:00:00.000Z', 'first_response'],
    );
  });
});

describe("the case's sentiment: the worst recent reading, with its trend", () => {
  test.each([
    [['NEGATIVE'], 'steady'],
    [['NEGATIVE', 'NEUTRAL'], 'improving'],
    [['NEGATIVE', 'NEUTRAL', 'NEUTRAL'], 'improving'],
    [['POSITIVE', 'NEGATIVE'], 'worsening'],
    [['NEUTRAL', 'MIXED'], 'worsening'],
    [['NEUTRAL', 'NEUTRAL'], 'steady'],
    [['NEGATIVE', 'POSITIVE', 'NEGATIVE'], 'worsening'],
    [['NEGATIVE', 'MIXED'], 'improving'],
    [['MIXED', 'NEGATIVE', 'MIXED'], 'steady'],
  ] as const)('%j → %s', (labels, trend) => {
    assert.equal(sentimentTrendOf(labels), trend);
  });

  test('an angry message stays the case sentiment for the next few readings, then the calm ones count', async () => {
    const { store, deps } = setup();
    const at = (minute: number) => `2026-11-23T10:${String(minute).padStart(2, '0')}:00.000Z`;
    await recordInteractions([post('1', '@DemoAir my bag is lost, awful', { receivedAt: at(1) })], deps);
    assert.deepEqual(
      [store.cases.get('x-1')!.sentiment, store.cases.get('x-1')!.sentimentTrend],
      ['NEGATIVE', 'steady'],
    );
    const seen: Array<[string, string | undefined]> = [];
    for (let n = 2; n <= 6; n++) {
      await recordInteractions(
        [post(String(n), '@DemoAir it is the blue one with a tag', { receivedAt: at(n) })],
        deps,
      );
      const c = store.cases.get('x-1')!;
      seen.push([c.sentiment, c.sentimentTrend]);
    }
    assert.deepEqual(seen, [
      ['NEGATIVE', 'improving'],
      ['NEGATIVE', 'improving'],
      ['NEGATIVE', 'improving'],
      // Calm for a while: steady again, and once the angry message is five readings back, calm.
      ['NEGATIVE', 'steady'],
      ['NEUTRAL', 'steady'],
    ]);
    await recordInteractions([post('7', '@DemoAir still lost, awful', { receivedAt: at(7) })], deps);
    const c = store.cases.get('x-1')!;
    assert.deepEqual([c.sentiment, c.sentimentTrend, c.recentReadings?.length], ['NEGATIVE', 'worsening', 5]);
  });
});
