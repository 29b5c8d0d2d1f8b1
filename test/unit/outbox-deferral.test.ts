import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { SQSRecord } from 'aws-lambda';
import type { CareCase } from '../../functions/core/cases';
import {
  type OutboundMessage,
  type OutboxEntry,
  type PlatformSender,
  RetryLaterError,
  sweepOutbox,
} from '../../functions/core/outbox';
import { createSenderConsumer, type OutboxMessage } from '../../functions/sender/sender-consumer';
import { InMemoryCaseStore, InMemoryOutboxStore, RecordingOutboundQueue } from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

// Deferrals (rate limits, outages) wait as new delayed messages and never spend the queue's receives,
// so a platform outage of minutes or hours never dead-letters a reply; the case shows where it is.

const T0 = Date.parse('2026-12-03T10:00:00.000Z');

function careCase(): CareCase {
  return {
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
    intent: null,
    action: 'agent',
    customer: { platform: 'x', id: '42' },
    accountId: '4000001',
    accountRole: 'care',
    visibility: 'public',
    subject: 'where is my bag',
    openedAt: new Date(T0).toISOString(),
    lastInboundAt: new Date(T0).toISOString(),
    messageCount: 1,
    awaitingReplySince: new Date(T0).toISOString(),
    nextDeadlineAt: new Date(T0 + 3600_000).toISOString(),
    nextDeadlineKind: 'first_response',
    firstResponseDueAt: new Date(T0 + 3600_000).toISOString(),
  };
}

/** A platform that answers "not now" (429 with a reset, or 503) `failures` times, then posts. */
class OutageSender implements PlatformSender {
  calls = 0;
  sent: OutboundMessage[] = [];
  constructor(
    private failures: number,
    private readonly clock: () => number,
  ) {}
  async send(message: OutboundMessage) {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      const retryAt = new Date(this.clock() + (this.calls % 2 ? 30_000 : 10_000));
      throw new RetryLaterError(
        this.calls % 2 ? 'X is over capacity (503)' : 'X rate limit reached',
        retryAt,
      );
    }
    this.sent.push(message);
    return { platformMessageId: `out-${this.sent.length}` };
  }
}

async function setup(failures: number, entry: Partial<OutboxEntry> = {}, queueBroken = false) {
  let clock = T0;
  const now = () => new Date(clock);
  const cases = new InMemoryCaseStore();
  cases.cases.set('x-100', careCase());
  cases.messages.set('x-100', []);
  const outbox = new InMemoryOutboxStore(now);
  await outbox.createOutbox({
    outboxId: 'agent_reply:x-100:r1',
    caseId: 'x-100',
    brandId: 'demoair',
    platform: 'x',
    account: { id: '4000001', role: 'care' },
    delivery: 'public_reply',
    inReplyToId: '100',
    text: 'Sorry about your bag, we are on it.',
    reason: 'agent_reply',
    author: 'carol',
    createdAt: new Date(T0).toISOString(),
    status: 'pending',
    attempts: 0,
    ...entry,
  });
  const sender = new OutageSender(failures, () => clock);
  const redelivered: OutboxMessage[] = [];
  const visibilityDelays: Date[] = [];
  const consumer = createSenderConsumer({
    directory: demoDirectory(),
    outbox,
    cases,
    senders: { x: sender },
    deadLetters: { park: async () => assert.fail('nothing is parked') },
    now,
    redeliver: async (message) => {
      if (queueBroken) throw new Error('SQS unavailable');
      redelivered.push(message);
    },
    scheduleRetry: async (_record, at) => {
      visibilityDelays.push(at);
    },
  });
  let n = 0;
  const deliver = async (body: OutboxMessage) => {
    const record = { messageId: `m${n++}`, receiptHandle: 'r', body: JSON.stringify(body) } as SQSRecord;
    return (await consumer({ Records: [record] })).batchItemFailures;
  };
  return {
    cases,
    outbox,
    sender,
    redelivered,
    visibilityDelays,
    deliver,
    advanceTo: (at: number) => {
      clock = at;
    },
  };
}

test('a platform outage (twelve 503/429 answers over minutes) defers the reply as new delayed messages, spending no receive', async () => {
  const { cases, outbox, sender, redelivered, visibilityDelays, deliver, advanceTo } = await setup(12);
  let message: OutboxMessage = { outboxId: 'agent_reply:x-100:r1' };
  for (let i = 0; i < 12; i++) {
    assert.deepEqual(await deliver(message), [], 'a deferral is not a batch item failure');
    const next = redelivered.at(-1)!;
    assert.equal(redelivered.length, i + 1);
    assert.equal(next.deferrals, i + 1);
    // The case says where its reply is: deferred until the platform's own "not before".
    const shown = cases.cases.get('x-100')!.replyDelivery!;
    assert.deepEqual([shown.status, shown.until], ['deferred', next.notBefore]);
    assert.equal(outbox.entries.get(message.outboxId)?.status, 'pending');
    assert.equal(outbox.entries.get(message.outboxId)?.deferredUntil, next.notBefore);
    message = next;
    advanceTo(Date.parse(next.notBefore!));
  }
  assert.deepEqual(await deliver(message), []);
  assert.equal(sender.sent.length, 1);
  assert.equal(sender.calls, 13);
  assert.deepEqual(visibilityDelays, [], 'no receive-spending visibility delay was needed');
  assert.equal(outbox.entries.get(message.outboxId)?.status, 'sent');
  assert.equal(outbox.entries.get(message.outboxId)?.deferredUntil, undefined);
  assert.equal(cases.cases.get('x-100')!.replyDelivery?.status, 'sent');
});

test('a deferral of hours travels in hops of SQS delays without calling the platform early', async () => {
  const { sender, redelivered, deliver, advanceTo } = await setup(0);
  const notBefore = new Date(T0 + 3 * 3600_000).toISOString();
  assert.deepEqual(await deliver({ outboxId: 'agent_reply:x-100:r1', notBefore, deferrals: 1 }), []);
  assert.equal(sender.calls, 0, 'too early: not sent, not even tried');
  assert.deepEqual(redelivered, [{ outboxId: 'agent_reply:x-100:r1', notBefore, deferrals: 1 }]);
  advanceTo(Date.parse(notBefore));
  assert.deepEqual(await deliver(redelivered[0]!), []);
  assert.equal(sender.sent.length, 1);
});

test('when the queue refuses the deferred message, the record itself waits (visibility) as a last resort', async () => {
  const { visibilityDelays, deliver } = await setup(1, {}, true);
  assert.deepEqual(await deliver({ outboxId: 'agent_reply:x-100:r1' }), [{ itemIdentifier: 'm0' }]);
  assert.deepEqual(visibilityDelays, [new Date(T0 + 30_000)]);
});

test('a reply deferred beyond a day fails for good, on the entry and on the case, and is not queued again', async () => {
  const { cases, outbox, redelivered, deliver, advanceTo } = await setup(1);
  advanceTo(T0 + 25 * 3600_000);
  assert.deepEqual(await deliver({ outboxId: 'agent_reply:x-100:r1' }), []);
  assert.equal(redelivered.length, 0);
  assert.equal(outbox.entries.get('agent_reply:x-100:r1')?.status, 'failed');
  const shown = cases.cases.get('x-100')!;
  assert.equal(shown.replyDelivery?.status, 'failed');
  assert.match(shown.deliveryProblem ?? '', /kept refusing for 24 h/);
});

test('the sweeper queues an entry nobody sent once its grace has passed, once per grace period', async () => {
  const { outbox } = await setup(0);
  const queue = new RecordingOutboundQueue();
  assert.deepEqual(await sweepOutbox({ outbox, queue, now: () => new Date(T0 + 60_000) }), []);
  assert.deepEqual(await sweepOutbox({ outbox, queue, now: () => new Date(T0 + 3 * 60_000) }), [
    'agent_reply:x-100:r1',
  ]);
  assert.deepEqual(await sweepOutbox({ outbox, queue, now: () => new Date(T0 + 4 * 60_000) }), []);
  assert.deepEqual(queue.ids, ['agent_reply:x-100:r1']);
  await outbox.claimOutbox('agent_reply:x-100:r1', new Date(T0 + 4 * 60_000));
  await outbox.completeOutbox('agent_reply:x-100:r1', { platformMessageId: '1', sentAt: 'x' });
  assert.deepEqual(await sweepOutbox({ outbox, queue, now: () => new Date(T0 + 3600_000) }), []);
});
