import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { BrandDirectory } from '../../functions/core/brand-config';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import type { Interaction } from '../../functions/core/interaction';
import { recordInteractions } from '../../functions/core/record-interactions';
import { outOfHoursAcknowledgement } from '../../functions/core/replies';
import {
  InMemoryCaseStore,
  InMemoryOutboxStore,
  InMemoryRateLimiter,
  RecordingOutboundQueue,
  StubSentiment,
} from '../fakes/in-memory';
import { demoConfig } from '../helpers';

const demo = new BrandDirectory(demoConfig());

function post(id: string, overrides: Partial<Interaction> = {}): Interaction {
  return {
    schemaVersion: 1,
    platform: 'x',
    visibility: 'public',
    kind: 'mention',
    platformMessageId: id,
    brandId: 'demoair',
    account: { id: '4000002', role: 'bot' },
    author: { id: 'c1', handle: 'traveller' },
    text: '@DemoAirFares how much is a return AMS to JFK',
    createdAt: '2026-11-23T10:00:00.000Z',
    receivedAt: '2026-11-23T10:00:00.000Z',
    ...overrides,
  };
}

function setup(directory = demo) {
  const store = new InMemoryCaseStore();
  const outbox = new InMemoryOutboxStore();
  const queue = new RecordingOutboundQueue();
  const deps = {
    directory,
    store,
    sentiment: new StubSentiment(() => 'NEUTRAL'),
    replies: { outbox, queue, limiter: new InMemoryRateLimiter() },
  };
  return { store, outbox, queue, deps };
}

test('a bot question gets one answer entry, queued after the case is written, from the bot account in thread', async () => {
  const { store, outbox, queue, deps } = setup();
  await recordInteractions([post('1')], deps);
  assert.deepEqual(queue.ids, ['faq_answer:x:1']);
  const entry = outbox.entries.get('faq_answer:x:1')!;
  assert.deepEqual(
    [entry.account, entry.delivery, entry.inReplyToId, entry.caseId],
    [{ id: '4000002', role: 'bot' }, 'public_reply', '1', 'x-1'],
  );
  assert.equal(store.cases.get('x-1')?.action, 'auto_reply');
  // Redelivered: no second entry, but a pending one is queued again (the first run may have died before queueing).
  await recordInteractions([post('1')], deps);
  assert.equal(outbox.entries.size, 1);
  assert.deepEqual(queue.ids, ['faq_answer:x:1', 'faq_answer:x:1']);
  outbox.entries.get('faq_answer:x:1')!.status = 'sent';
  await recordInteractions([post('1')], deps);
  assert.equal(queue.ids.length, 2, 'a sent answer is not queued again');
});

test('at most three automatic replies per customer per hour; the rest go to agents', async () => {
  const { store, queue, deps } = setup();
  for (let i = 1; i <= 4; i++) {
    // Each question resolves its case once answered; here nothing is sent, so close them by hand.
    await recordInteractions([post(String(i), { receivedAt: `2026-11-23T10:0${i}:00.000Z` })], deps);
    const careCase = store.cases.get(`x-${i}`)!;
    await store.updateCase(
      { ...careCase, status: 'resolved', version: careCase.version + 1 },
      careCase.version,
    );
  }
  assert.deepEqual(queue.ids, ['faq_answer:x:1', 'faq_answer:x:2', 'faq_answer:x:3']);
  assert.equal(store.cases.get('x-4')?.action, 'agent');
  assert.equal(store.cases.get('x-4')?.botDeclined, 'rate_limited');
});

test('a question that joins an open case gets no automatic answer: a person is on it', async () => {
  const { store, queue, deps } = setup();
  await recordInteractions(
    [post('1', { account: { id: '4000001', role: 'care' }, text: '@DemoAir my bag is lost' })],
    deps,
  );
  await recordInteractions([post('2')], deps);
  assert.deepEqual(queue.ids, []);
  assert.match(store.cases.get('x-1')!.suggestedReply!, /EUR 489/);
});

const officeHours = new BrandDirectory(
  parseBrandConfig({
    brands: [
      {
        id: 'shop',
        name: 'Shop',
        accounts: [{ platform: 'x', id: '10', handle: 'Shop', role: 'care' }],
        calendar: { timezone: 'Europe/Amsterdam', weekly: { mon: ['09:00-17:00'], tue: ['09:00-17:00'] } },
      },
    ],
  }),
);

test('out of hours, the care account acknowledges once, saying when a person will answer', async () => {
  const { outbox, queue, deps } = setup(officeHours);
  const night = post('n1', {
    brandId: 'shop',
    account: { id: '10', role: 'care' },
    text: '@Shop my order never arrived',
    receivedAt: '2026-11-23T22:30:00.000Z',
  });
  await recordInteractions([night], deps);
  await recordInteractions([{ ...night, platformMessageId: 'n2', text: '@Shop hello??' }], deps);
  assert.deepEqual(queue.ids, ['out_of_hours_ack:x:n1'], 'once per case');
  const ack = outbox.entries.get('out_of_hours_ack:x:n1')!;
  assert.equal(ack.account.role, 'care');
  assert.match(ack.text, /back tomorrow at 09:00 \(Amsterdam time\)/);
});

test('no acknowledgement while the team works, or for a 24/7 brand', () => {
  const brand = officeHours.brand('shop')!;
  assert.equal(outOfHoursAcknowledgement(brand, new Date('2026-11-23T10:00:00.000Z')), undefined);
  assert.match(
    outOfHoursAcknowledgement(brand, new Date('2026-11-24T17:30:00.000Z'))!,
    /on Mon 30 Nov at 09:00/,
  );
  assert.equal(
    outOfHoursAcknowledgement(demo.brand('demoair')!, new Date('2026-11-23T03:00:00.000Z')),
    undefined,
  );
});
