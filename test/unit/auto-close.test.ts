import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { autoCloseDueAt, reopenableCase, runAutoClose } from '../../functions/core/auto-close';
import { BrandDirectory } from '../../functions/core/brand-config';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import type { CareCase } from '../../functions/core/cases';
import type { Interaction } from '../../functions/core/interaction';
import { recordInteractions } from '../../functions/core/record-interactions';
import {
  InMemoryAuditLog,
  InMemoryCaseStore,
  InMemoryOutboxStore,
  RecordingOutboundQueue,
  StubSentiment,
} from '../fakes/in-memory';
import { demoConfig } from '../helpers';

/** The demo airline with office hours (Mon–Fri 09:00–17:00 Amsterdam) and auto-close. */
function brandWith(autoClose: Record<string, unknown> | undefined, weekly = true): BrandDirectory {
  const config = JSON.parse(JSON.stringify(demoConfig())) as { brands: Array<Record<string, unknown>> };
  const brand = config.brands[0]!;
  brand.calendar = {
    timezone: 'Europe/Amsterdam',
    exceptions: [],
    ...(weekly
      ? {
          weekly: {
            mon: ['09:00-17:00'],
            tue: ['09:00-17:00'],
            wed: ['09:00-17:00'],
            thu: ['09:00-17:00'],
            fri: ['09:00-17:00'],
          },
        }
      : {}),
  };
  if (autoClose) brand.autoClose = autoClose;
  else delete brand.autoClose;
  return new BrandDirectory(parseBrandConfig(config));
}

function mention(id: string, receivedAt: string, overrides: Partial<Interaction> = {}): Interaction {
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
    createdAt: receivedAt,
    receivedAt,
    ...overrides,
  };
}

/** A case of customer 42 that we answered at `pausedAt`: waiting on the customer since. */
function waiting(caseId: string, pausedAt: string, extra: Partial<CareCase> = {}): CareCase {
  return {
    caseId,
    brandId: 'demoair',
    platform: 'x',
    status: 'waiting_on_customer',
    version: 4,
    priority: 'normal',
    priorityReasons: [],
    risks: [],
    sentiment: 'NEGATIVE',
    sentimentScores: { positive: 0, negative: 1, neutral: 0, mixed: 0 },
    sentimentSource: 'local',
    intent: null,
    action: 'agent',
    customer: { platform: 'x', id: '42', handle: 'traveller' },
    accountId: '4000001',
    accountRole: 'care',
    visibility: 'public',
    subject: 'my bag is lost',
    openedAt: '2026-11-20T08:00:00.000Z',
    lastInboundAt: '2026-11-20T08:00:00.000Z',
    messageCount: 2,
    firstRespondedAt: pausedAt,
    resolutionDueAt: '2026-11-23T12:00:00.000Z',
    pausedAt,
    ...extra,
  } as CareCase;
}

describe('when a waiting case closes: working time on the brand calendar, per channel', () => {
  const directory = brandWith({ after: '2h', byChannel: { 'x:private': '30m', facebook: '1d' } });
  const brand = directory.brand('demoair')!;
  test.each([
    // Friday 13:00 Amsterdam (12:00Z) + 2h of office time: Friday 15:00 local.
    ['x public, Friday noon', 'x', 'public', '2026-11-20T12:00:00.000Z', '2026-11-20T14:00:00.000Z'],
    // Friday 16:00 local: one hour on Friday, one on Monday from 09:00 local (08:00Z).
    ['x public, Friday afternoon', 'x', 'public', '2026-11-20T15:00:00.000Z', '2026-11-23T09:00:00.000Z'],
    // Saturday: nothing counts until Monday 09:00 local.
    ['x public, Saturday', 'x', 'public', '2026-11-21T10:00:00.000Z', '2026-11-23T10:00:00.000Z'],
    ['x private: its own 30m', 'x', 'private', '2026-11-20T12:00:00.000Z', '2026-11-20T12:30:00.000Z'],
    // 1d is 24 h of office time: three working days of eight hours.
    ['facebook: 1d', 'facebook', 'public', '2026-11-23T08:00:00.000Z', '2026-11-25T16:00:00.000Z'],
  ])('%s', (_, platform, visibility, pausedAt, due) => {
    const careCase = waiting('x-1', pausedAt, { platform, visibility } as Partial<CareCase>);
    assert.equal(autoCloseDueAt(brand, careCase)?.toISOString(), due);
  });
  test('only waiting cases, only brands that auto-close', () => {
    assert.equal(
      autoCloseDueAt(brand, { ...waiting('x-1', '2026-11-20T12:00:00.000Z'), status: 'open' }),
      undefined,
    );
    const never = brandWith(undefined).brand('demoair')!;
    assert.equal(autoCloseDueAt(never, waiting('x-1', '2026-11-20T12:00:00.000Z')), undefined);
  });
  test('the config is checked with the brand', () => {
    assert.throws(() => brandWith({ after: 'soon' }), /autoClose\.after|duration/);
    assert.throws(() => brandWith({ after: '1h', reopenAfter: '1d' }), /reopenAfter|unrecognized/i);
  });
});

function system(
  autoClose: Record<string, unknown> | null = {
    after: '2h',
    closeOut: 'We are closing this case; write to us any time.',
  },
) {
  const directory = brandWith(autoClose ?? undefined, false);
  const store = new InMemoryCaseStore();
  const audit = new InMemoryAuditLog();
  const outbox = new InMemoryOutboxStore();
  const queue = new RecordingOutboundQueue();
  const record = (interaction: Interaction) =>
    recordInteractions([interaction], { directory, store, sentiment: new StubSentiment(() => 'NEGATIVE') });
  const close = (now: string) =>
    runAutoClose({ directory, cases: store, audit, outbox, queue, now: () => new Date(now) });
  /** The customer's case as the sender leaves it after an agent's reply: waiting on them. */
  const answer = async (caseId: string, at: string) => {
    const careCase = store.cases.get(caseId)!;
    await store.updateCase(
      {
        ...careCase,
        version: careCase.version + 1,
        status: 'waiting_on_customer',
        pausedAt: at,
        firstRespondedAt: at,
      },
      careCase.version,
    );
  };
  return { directory, store, audit, outbox, queue, record, close, answer };
}

test('a waiting case closes when its time comes, audited, with its close-out through the outbox', async () => {
  const s = system();
  await s.record(mention('100', '2026-11-20T09:00:00.000Z'));
  await s.answer('x-100', '2026-11-20T09:10:00.000Z');
  assert.deepEqual(await s.close('2026-11-20T11:09:59.000Z'), { closed: [] });
  assert.equal(s.queue.ids.length, 0);
  assert.deepEqual(await s.close('2026-11-20T11:10:00.000Z'), { closed: ['x-100'] });
  const closed = s.store.cases.get('x-100')!;
  assert.equal(closed.status, 'resolved');
  assert.equal(closed.resolvedBy, 'auto-close');
  assert.equal(closed.resolvedAt, '2026-11-20T11:10:00.000Z');
  assert.equal(closed.nextDeadlineAt, undefined);
  const entry = s.audit.entries.at(-1)!;
  assert.deepEqual(
    { action: entry.action, agentId: entry.agentId, caseId: entry.caseId, detail: entry.detail },
    {
      action: 'auto_close',
      agentId: 'auto-close',
      caseId: 'x-100',
      detail: { waitingSince: '2026-11-20T09:10:00.000Z', closeOut: true },
    },
  );
  const [outboxId] = s.queue.ids;
  const closeOut = await s.outbox.getOutbox(outboxId!);
  assert.deepEqual(
    {
      reason: closeOut?.reason,
      delivery: closeOut?.delivery,
      inReplyToId: closeOut?.inReplyToId,
      account: closeOut?.account,
      text: closeOut?.text,
    },
    {
      reason: 'close_out',
      delivery: 'public_reply',
      inReplyToId: '100',
      account: { id: '4000001', role: 'care' },
      text: 'We are closing this case; write to us any time.',
    },
  );
  // A second run finds nothing more to do.
  assert.deepEqual(await s.close('2026-11-20T12:00:00.000Z'), { closed: [] });
  assert.equal(s.queue.ids.length, 1);
});

test('no close-out configured: the case closes quietly; a brand without auto-close keeps its waiting cases', async () => {
  const quiet = system({ after: '2h' });
  await quiet.record(mention('200', '2026-11-20T09:00:00.000Z'));
  await quiet.answer('x-200', '2026-11-20T09:10:00.000Z');
  assert.deepEqual(await quiet.close('2026-11-21T00:00:00.000Z'), { closed: ['x-200'] });
  assert.equal(quiet.queue.ids.length, 0);
  const never = system(null);
  await never.record(mention('201', '2026-11-20T09:00:00.000Z'));
  await never.answer('x-201', '2026-11-20T09:10:00.000Z');
  assert.deepEqual(await never.close('2026-12-31T00:00:00.000Z'), { closed: [] });
  assert.equal(never.store.cases.get('x-201')!.status, 'waiting_on_customer');
});

test('the customer writes again within the window: the same case opens again, its clocks resume, it keeps its slot', async () => {
  const s = system();
  await s.record(mention('300', '2026-11-20T09:00:00.000Z'));
  await s.answer('x-300', '2026-11-20T09:10:00.000Z');
  await s.close('2026-11-20T11:10:00.000Z');
  const [again] = await s.record(
    mention('301', '2026-11-22T09:00:00.000Z', { text: '@DemoAir still no bag' }),
  );
  assert.equal((again as { status: string }).status, 'attached');
  assert.equal((again as { caseId: string }).caseId, 'x-300');
  const reopened = s.store.cases.get('x-300')!;
  assert.equal(reopened.status, 'open');
  assert.equal(reopened.reopenedAt, '2026-11-22T09:00:00.000Z');
  assert.equal(reopened.resolvedBy, undefined);
  assert.equal(reopened.messageCount, 2);
  assert.ok(reopened.nextDeadlineAt, 'a reopened case is owed an answer');
  assert.equal(s.store.cases.size, 1);
  // A third message goes on the same case: the reopened case holds the customer's open-case slot.
  const [third] = await s.record(mention('302', '2026-11-22T09:05:00.000Z'));
  assert.equal((third as { caseId: string }).caseId, 'x-300');
});

test('after the window, a new message opens a new case linked to the old', async () => {
  const s = system({ after: '2h', reopenWithin: '3d' });
  await s.record(mention('400', '2026-11-20T09:00:00.000Z'));
  await s.answer('x-400', '2026-11-20T09:10:00.000Z');
  await s.close('2026-11-20T11:10:00.000Z');
  const [later] = await s.record(mention('401', '2026-11-23T11:10:01.000Z'));
  assert.equal((later as { status: string }).status, 'opened');
  const fresh = s.store.cases.get('x-401')!;
  assert.equal(fresh.previousCaseId, 'x-400');
  assert.equal(s.store.cases.get('x-400')!.status, 'resolved');
});

test('a case an agent resolved is not reopened (only auto-close reopens)', async () => {
  const s = system();
  await s.record(mention('500', '2026-11-20T09:00:00.000Z'));
  const careCase = s.store.cases.get('x-500')!;
  await s.store.updateCase(
    {
      ...careCase,
      version: careCase.version + 1,
      status: 'resolved',
      resolvedBy: 'agent-1',
      resolvedAt: '2026-11-20T10:00:00.000Z',
    },
    careCase.version,
  );
  const brand = s.directory.brand('demoair')!;
  const profile = await s.store.getCustomerProfile('demoair', { platform: 'x', id: '42' });
  assert.deepEqual(await reopenableCase(brand, s.store, profile, '2026-11-20T11:00:00.000Z'), {});
  const [next] = await s.record(mention('501', '2026-11-20T11:00:00.000Z'));
  assert.equal((next as { caseId: string }).caseId, 'x-501');
});
