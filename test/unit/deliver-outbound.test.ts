import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { XSender } from '../../functions/channels/x/x-sender';
import type { CareCase } from '../../functions/core/cases';
import { deliverOutbound } from '../../functions/core/deliver-outbound';
import { type OutboxEntry, outboxIdFor } from '../../functions/core/outbox';
import {
  localXCredentials,
  type PlatformStandIn,
  startPlatformStandIn,
} from '../../functions/local-runtime/platform-stand-in';
import { InMemoryCaseStore, InMemoryOutboxStore } from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

let standIn: PlatformStandIn;
beforeAll(async () => {
  standIn = await startPlatformStandIn();
});
afterAll(() => standIn.stop());

const careCase = (): CareCase => ({
  caseId: 'x-100',
  brandId: 'demoair',
  platform: 'x',
  status: 'open',
  version: 1,
  priority: 'normal',
  priorityReasons: [],
  risks: [],
  sentiment: 'NEUTRAL',
  sentimentScores: { positive: 0, negative: 0, neutral: 1, mixed: 0 },
  sentimentSource: 'local',
  intent: 'fare',
  action: 'auto_reply',
  customer: { platform: 'x', id: '42' },
  accountId: '4000002',
  accountRole: 'bot',
  visibility: 'public',
  subject: 'fare AMS JFK?',
  openedAt: '2026-11-23T10:00:00.000Z',
  lastInboundAt: '2026-11-23T10:00:00.000Z',
  messageCount: 1,
  awaitingReplySince: '2026-11-23T10:00:00.000Z',
  firstResponseDueAt: '2026-11-23T11:00:00.000Z',
  resolutionDueAt: '2026-11-24T10:00:00.000Z',
  nextDeadlineAt: '2026-11-23T11:00:00.000Z',
  nextDeadlineKind: 'first_response',
});

async function setup(overrides: Partial<OutboxEntry> = {}) {
  const cases = new InMemoryCaseStore();
  cases.cases.set('x-100', careCase());
  cases.messages.set('x-100', []);
  const outbox = new InMemoryOutboxStore();
  const outboxId = outboxIdFor('faq_answer', 'x', '100');
  await outbox.createOutbox({
    outboxId,
    caseId: 'x-100',
    brandId: 'demoair',
    platform: 'x',
    account: { id: '4000002', role: 'bot' },
    delivery: 'public_reply',
    inReplyToId: '100',
    text: 'Lowest return fare AMS–JFK: from EUR 489.',
    reason: 'faq_answer',
    author: 'bot',
    createdAt: '2026-11-23T10:00:01.000Z',
    status: 'pending',
    attempts: 0,
    ...overrides,
  });
  const sender = new XSender({
    credentialsFor: async (id) => localXCredentials(id),
    apiBaseUrl: standIn.url,
  });
  return {
    cases,
    outbox,
    outboxId,
    deps: { directory: demoDirectory(), outbox, cases, senders: { x: sender } },
  };
}

test('the real client posts the reply in thread, as the bot account, once', async () => {
  standIn.sent.length = 0;
  const { cases, outbox, outboxId, deps } = await setup();
  assert.equal(await deliverOutbound(outboxId, deps), 'sent');
  assert.equal(await deliverOutbound(outboxId, deps), 'already_sent');
  assert.equal(standIn.sent.length, 1);
  assert.deepEqual(
    {
      accountId: standIn.sent[0]?.accountId,
      inReplyToId: standIn.sent[0]?.inReplyToId,
      kind: standIn.sent[0]?.kind,
    },
    { accountId: '4000002', inReplyToId: '100', kind: 'reply' },
  );
  const entry = outbox.entries.get(outboxId)!;
  assert.equal(entry.status, 'sent');
  assert.equal(entry.platformMessageId, standIn.sent[0]?.id);
  const updated = cases.cases.get('x-100')!;
  assert.equal(updated.status, 'resolved');
  assert.equal(updated.resolvedBy, 'bot');
  assert.equal(updated.nextDeadlineAt, undefined);
  assert.ok(updated.firstRespondedAt);
  assert.deepEqual(
    cases.messages.get('x-100')?.map((m) => [m.direction, m.sentBy]),
    [['out', 'bot']],
  );
});

test('a DM goes to the customer through the DM endpoint', async () => {
  standIn.sent.length = 0;
  const { outboxId, deps } = await setup({ delivery: 'direct_message', recipientId: '42' });
  assert.equal(await deliverOutbound(outboxId, deps), 'sent');
  assert.deepEqual([standIn.sent[0]?.kind, standIn.sent[0]?.recipientId], ['dm', '42']);
});

test('a 429 is retried after the reset X reports, without a duplicate', async () => {
  standIn.sent.length = 0;
  // Written just now: the reset is within the day a reply may be deferred.
  const { outbox, outboxId, deps } = await setup({ createdAt: new Date().toISOString() });
  const reset = Math.ceil(Date.now() / 1000) + 42;
  standIn.failNext(429, 1, reset);
  await assert.rejects(deliverOutbound(outboxId, deps), (error: Error & { retryAt?: Date }) => {
    assert.equal(error.name, 'RetryLaterError');
    assert.equal(error.retryAt?.getTime(), reset * 1000);
    return true;
  });
  assert.equal(outbox.entries.get(outboxId)?.status, 'pending');
  assert.equal(await deliverOutbound(outboxId, deps), 'sent');
  assert.equal(await deliverOutbound(outboxId, deps), 'already_sent');
  assert.equal(standIn.sent.length, 1);
});

test('revoked credentials are reported on the case, not retried and not dropped silently', async () => {
  const { cases, outbox, outboxId, deps } = await setup();
  standIn.failNext(401);
  assert.equal(await deliverOutbound(outboxId, deps), 'failed');
  assert.equal(outbox.entries.get(outboxId)?.status, 'failed');
  assert.match(cases.cases.get('x-100')!.deliveryProblem!, /credentials \(401\)/);
  assert.equal(await deliverOutbound(outboxId, deps), 'closed');
});

test('a server error that may have posted is never resent automatically', async () => {
  const { cases, outbox, outboxId, deps } = await setup();
  standIn.failNext(500);
  assert.equal(await deliverOutbound(outboxId, deps), 'uncertain');
  assert.equal(outbox.entries.get(outboxId)?.status, 'uncertain');
  assert.match(cases.cases.get('x-100')!.deliveryProblem!, /may not have been sent/);
});

test('an entry held by a sender that stopped mid-send is marked uncertain after the timeout', async () => {
  const { outbox, outboxId, deps } = await setup({
    status: 'sending',
    sendingSince: '2026-11-23T10:00:00.000Z',
  });
  const now = () => new Date('2026-11-23T10:01:00.000Z');
  await assert.rejects(deliverOutbound(outboxId, { ...deps, now }), /another sender holds this entry/);
  assert.equal(
    await deliverOutbound(outboxId, { ...deps, now: () => new Date('2026-11-23T10:10:00.000Z') }),
    'uncertain',
  );
  assert.equal(outbox.entries.get(outboxId)?.status, 'uncertain');
});
