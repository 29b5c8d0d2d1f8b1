import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import { XSender } from '../../functions/channels/x/x-sender';
import { needsReauthorization, recordAuthorizationRevoked } from '../../functions/core/account-status';
import type { AccountEvent, Interaction } from '../../functions/core/interaction';
import { type OutboundMessage, PermanentSendError } from '../../functions/core/outbox';
import { recordInteractions } from '../../functions/core/record-interactions';
import { createTriageConsumer } from '../../functions/triage/triage-consumer';
import {
  InMemoryAccountStatusStore,
  InMemoryCaseStore,
  InMemoryPageStore,
  RecordingDeadLetters,
  RecordingPager,
  StubSentiment,
} from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

const revoked = (at = '2026-11-23T10:00:00.000Z', id = 'evt-1'): AccountEvent => ({
  schemaVersion: 1,
  type: 'account_event',
  event: 'authorization_revoked',
  platform: 'x',
  platformEventId: id,
  brandId: 'demoair',
  account: { id: '4000002', role: 'bot' },
  occurredAt: at,
  receivedAt: '2026-11-23T10:00:02.000Z',
});

test('needsReauthorization: revoked, then re-authorized later, then revoked again', () => {
  const base = { platform: 'x' as const, accountId: '1' };
  assert.equal(needsReauthorization(undefined), false);
  assert.equal(needsReauthorization({ ...base }), false);
  assert.equal(needsReauthorization({ ...base, revokedAt: '2026-01-01T00:00:00Z' }), true);
  assert.equal(
    needsReauthorization({
      ...base,
      revokedAt: '2026-01-01T00:00:00Z',
      reauthorizedAt: '2026-01-02T00:00:00Z',
    }),
    false,
  );
  assert.equal(
    needsReauthorization({
      ...base,
      revokedAt: '2026-01-03T00:00:00Z',
      reauthorizedAt: '2026-01-02T00:00:00Z',
    }),
    true,
  );
});

test('a revocation marks the account and pages once, however often delivered; an older one after re-authorization does nothing', async () => {
  const accounts = new InMemoryAccountStatusStore();
  const pages = new InMemoryPageStore();
  const pager = new RecordingPager();
  const deps = { directory: demoDirectory(), accounts, paging: { pages, pager } };
  assert.equal(await recordAuthorizationRevoked(revoked(), deps), 'marked');
  assert.equal(await recordAuthorizationRevoked(revoked(), deps), 'marked');
  assert.equal(pager.published.length, 1);
  const [page] = pager.published;
  assert.equal(page?.kind, 'account_revoked');
  assert.equal(page?.pageId, 'revoked:x:evt-1');
  assert.match(page!.title, /\[DemoAir\] X @DemoAirFares \(bot, x id 4000002\) revoked socialcare's access/);
  assert.match(page!.text, /POST \/api\/accounts\/x\/<id>\/reauthorized/);
  assert.equal(needsReauthorization(await accounts.get('x', '4000002')), true);

  await accounts.markReauthorized('x', '4000002', '2026-11-23T11:00:00.000Z');
  assert.equal(await recordAuthorizationRevoked(revoked('2026-11-23T10:00:00.000Z', 'evt-1'), deps), 'stale');
  assert.equal(needsReauthorization(await accounts.get('x', '4000002')), false);
  // A new revocation after that counts again.
  assert.equal(
    await recordAuthorizationRevoked(revoked('2026-11-24T09:00:00.000Z', 'evt-2'), deps),
    'marked',
  );
  assert.equal(pager.published.length, 2);
});

const outbound: OutboundMessage = {
  outboxId: 'o1',
  caseId: 'x-1',
  brandId: 'demoair',
  platform: 'x',
  account: { id: '4000002', role: 'bot' },
  delivery: 'public_reply',
  inReplyToId: '1',
  text: 'From EUR 489',
  reason: 'faq_answer',
  author: 'bot',
  createdAt: '2026-11-23T10:00:00.000Z',
};

test('the X sender refuses to send as a revoked account, says why, and never asks for its credentials', async () => {
  const accounts = new InMemoryAccountStatusStore();
  await accounts.markRevoked('x', '4000002', { at: '2026-11-23T10:00:00.000Z', eventId: 'e' });
  let asked = 0;
  const sender = new XSender({
    credentialsFor: async () => {
      asked++;
      throw new Error('not reached');
    },
    authorizationOf: (id) => accounts.get('x', id),
  });
  await assert.rejects(
    sender.send(outbound),
    (error: unknown) =>
      error instanceof PermanentSendError &&
      /X account 4000002 revoked socialcare's access at 2026-11-23T10:00:00.000Z and must be re-authorized; not sent/.test(
        error.message,
      ),
  );
  assert.equal(asked, 0);
});

const sqs = (bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;

test('the triage consumer records account events beside interactions; without an account store the record is retried', async () => {
  const accounts = new InMemoryAccountStatusStore();
  const pager = new RecordingPager();
  const base = {
    directory: demoDirectory(),
    store: new InMemoryCaseStore(),
    sentiment: new StubSentiment(),
    deadLetters: new RecordingDeadLetters(),
    paging: { pages: new InMemoryPageStore(), pager, linkFor: (id: string) => id },
  };
  const consumer = createTriageConsumer({ ...base, accounts });
  assert.deepEqual(await consumer(sqs([JSON.stringify(revoked())])), { batchItemFailures: [] });
  assert.equal(needsReauthorization(await accounts.get('x', '4000002')), true);
  assert.equal(pager.published.length, 1);

  const without = createTriageConsumer(base);
  assert.deepEqual(await without(sqs([JSON.stringify(revoked())])), {
    batchItemFailures: [{ itemIdentifier: 'm0' }],
  });
  // A malformed account event is parked with its reason.
  const parked = createTriageConsumer({ ...base, accounts });
  await parked(sqs([JSON.stringify({ ...revoked(), occurredAt: 'yesterday' })]));
  assert.match(base.deadLetters.parked[0]!.reason, /account event field occurredAt/);
});

const dm = (id: string, overrides: Partial<Interaction> = {}): Interaction => ({
  schemaVersion: 1,
  platform: 'x',
  visibility: 'private',
  kind: 'dm',
  platformMessageId: id,
  brandId: 'demoair',
  account: { id: '4000001', role: 'care' },
  author: { id: '42', handle: 'traveller' },
  text: 'my booking ABC123 needs a seat change',
  createdAt: '2026-11-23T10:00:00.000Z',
  receivedAt: '2026-11-23T10:00:01.000Z',
  conversationId: 'x-dm:4000001-42',
  ...overrides,
});

const sentFromXApp = (id: string, to = '42'): Interaction =>
  dm(id, {
    direction: 'outbound',
    author: { id: '4000001', handle: 'DemoAir' },
    recipient: { id: to },
    text: 'Done: seat 12A',
    createdAt: '2026-11-23T10:05:00.000Z',
    receivedAt: '2026-11-23T10:05:01.000Z',
  });

test('an outbound DM from another tool goes on the customer case as ours, answers it, and is never classified', async () => {
  const store = new InMemoryCaseStore();
  const sentiment = new StubSentiment();
  const deps = { directory: demoDirectory(), store, sentiment };
  await recordInteractions([dm('1')], deps);
  const callsBefore = sentiment.calls;
  const [outcome] = await recordInteractions([sentFromXApp('2')], deps);
  assert.deepEqual(outcome, { status: 'outbound_recorded', caseId: 'x-1' });
  assert.equal(sentiment.calls, callsBefore, 'not classified');
  const messages = store.messages.get('x-1') ?? [];
  assert.deepEqual(
    messages.map((m) => [m.direction, m.authorId, m.sentBy ?? null, m.reason ?? null]),
    [
      ['in', '42', null, null],
      ['out', '4000001', 'x-app', 'sent_outside_socialcare'],
    ],
  );
  const careCase = store.cases.get('x-1')!;
  assert.equal(careCase.status, 'waiting_on_customer');
  assert.equal(careCase.firstRespondedAt, '2026-11-23T10:05:00.000Z');
  // Delivered again: a duplicate, nothing more.
  assert.deepEqual(await recordInteractions([sentFromXApp('2')], deps), [{ status: 'duplicate' }]);
  assert.equal(store.messages.get('x-1')?.length, 2);
});

test('an outbound DM to someone with no case opens nothing', async () => {
  const store = new InMemoryCaseStore();
  const deps = { directory: demoDirectory(), store, sentiment: new StubSentiment() };
  const [outcome] = await recordInteractions([sentFromXApp('9', '77')], deps);
  assert.deepEqual(outcome, {
    status: 'skipped',
    reason: 'sent by our account to a customer with no case to record it on',
  });
  assert.equal(store.cases.size, 0);
});

test('an outbound DM from another tool is stored masked, like every message, with no detector given', async () => {
  const store = new InMemoryCaseStore();
  const deps = { directory: demoDirectory(), store, sentiment: new StubSentiment() };
  await recordInteractions([dm('1')], deps);
  await recordInteractions(
    [{ ...sentFromXApp('2'), text: 'Refunded to card 4111 1111 1111 1111, mail us at a.b@example.com' }],
    deps,
  );
  const out = (store.messages.get('x-1') ?? []).find((m) => m.direction === 'out');
  assert.doesNotMatch(out?.text ?? '', /4111 1111 1111 1111|a\.b@example\.com/);
  assert.match(out?.text ?? '', /•••• 1111/);
});
