import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { BrandDirectory } from '../../functions/core/brand-config';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import type { Interaction } from '../../functions/core/interaction';
import { recordInteractions } from '../../functions/core/record-interactions';
import { runSlaMonitor } from '../../functions/core/sla-monitor';
import {
  InMemoryCaseStore,
  InMemoryDueFinder,
  InMemoryPageStore,
  RecordingPager,
  StubSentiment,
} from '../fakes/in-memory';

const directory = new BrandDirectory(
  parseBrandConfig({
    brands: [
      {
        id: 'acme',
        name: 'Acme',
        accounts: [{ platform: 'x', id: '1', handle: 'Acme', role: 'care' }],
        calendar: { timezone: 'Europe/Amsterdam', weekly: { mon: ['09:00-17:00'], tue: ['09:00-17:00'] } },
      },
    ],
  }),
);

const mention = (id: string, receivedAt: string): Interaction => ({
  schemaVersion: 1,
  platform: 'x',
  visibility: 'public',
  kind: 'mention',
  platformMessageId: id,
  brandId: 'acme',
  account: { id: '1', role: 'care' },
  author: { id: `c${id}`, handle: 'traveller' },
  text: '@Acme my order never arrived',
  createdAt: receivedAt,
  receivedAt,
});

async function setup(receivedAt: string) {
  const cases = new InMemoryCaseStore();
  await recordInteractions([mention('1', receivedAt)], {
    directory,
    store: cases,
    sentiment: new StubSentiment(),
  });
  const pages = new InMemoryPageStore();
  const pager = new RecordingPager();
  const deps = (now: string) => ({
    directory,
    cases,
    due: new InMemoryDueFinder(cases),
    pages,
    pager,
    linkFor: (caseId: string) => `https://care.example/cases/${caseId}`,
    now: () => new Date(now),
  });
  return { cases, pages, pager, deps };
}

test('warning at 80% of the working time, breach at the deadline, one repeat page, each once', async () => {
  // Monday 23 Nov 2026 10:00 Amsterdam (09:00Z), high priority: 30 working minutes.
  const { cases, pager, deps } = await setup('2026-11-23T09:00:00.000Z');
  assert.equal(cases.cases.get('x-1')?.sla?.checkAt, '2026-11-23T09:24:00.000Z');

  assert.equal((await runSlaMonitor(deps('2026-11-23T09:23:59.000Z'))).pages.length, 0, 'nothing before 80%');
  const warning = await runSlaMonitor(deps('2026-11-23T09:24:00.000Z'));
  assert.deepEqual(
    warning.pages.map((p) => p.kind),
    ['deadline_warning'],
  );
  assert.match(warning.pages[0]!.text, /6m left/);
  assert.match(warning.pages[0]!.text, /https:\/\/care\.example\/cases\/x-1/);
  assert.equal((await runSlaMonitor(deps('2026-11-23T09:25:00.000Z'))).pages.length, 0, 'warned once');

  const breach = await runSlaMonitor(deps('2026-11-23T09:31:00.000Z'));
  assert.deepEqual(
    breach.pages.map((p) => [p.kind, p.severity]),
    [['deadline_breach', 'critical']],
  );
  assert.match(breach.pages[0]!.text, /overdue by 1m/);
  const repeat = await runSlaMonitor(deps('2026-11-23T10:01:00.000Z'));
  assert.deepEqual(
    repeat.pages.map((p) => p.kind),
    ['deadline_repeat'],
  );
  assert.equal(
    (await runSlaMonitor(deps('2026-11-23T12:00:00.000Z'))).checked,
    0,
    'out of the deadline index',
  );

  assert.equal(pager.published.length, 3);
  assert.deepEqual(
    cases.cases.get('x-1')?.slaHistory?.map((h) => h.step),
    ['warning', 'breach', 'repeat'],
  );
});

test('a deadline that crosses a closed night is warned about the next working morning', async () => {
  // Monday 16:50 Amsterdam (15:50Z): 10 minutes today, 20 minutes from Tuesday 09:00.
  const { cases, deps } = await setup('2026-11-23T15:50:00.000Z');
  const careCase = cases.cases.get('x-1')!;
  assert.equal(careCase.firstResponseDueAt, '2026-11-24T08:20:00.000Z');
  assert.equal(careCase.sla?.checkAt, '2026-11-24T08:14:00.000Z', '24 working minutes in');
  assert.equal((await runSlaMonitor(deps('2026-11-24T06:00:00.000Z'))).pages.length, 0, 'no page at night');
});

test('a monitor that ran late skips the warning and pages the breach', async () => {
  const { deps } = await setup('2026-11-23T09:00:00.000Z');
  const late = await runSlaMonitor(deps('2026-11-23T09:45:00.000Z'));
  assert.deepEqual(
    late.pages.map((p) => p.kind),
    ['deadline_breach'],
  );
});

test('two overlapping monitors page once', async () => {
  const { pager, deps } = await setup('2026-11-23T09:00:00.000Z');
  await Promise.all([
    runSlaMonitor(deps('2026-11-23T09:24:30.000Z')),
    runSlaMonitor(deps('2026-11-23T09:24:30.000Z')),
  ]);
  assert.equal(pager.published.length, 1);
});

test('a page recorded by a monitor that died before publishing goes out on the next run', async () => {
  const { pages, pager, deps } = await setup('2026-11-23T09:00:00.000Z');
  await pages.createPage({
    pageId: 'risk:x-9',
    kind: 'risk',
    severity: 'critical',
    brandId: 'acme',
    title: 'risk',
    text: 'risk',
    createdAt: '2026-11-23T09:00:00.000Z',
  });
  const run = await runSlaMonitor(deps('2026-11-23T09:05:00.000Z'));
  assert.equal(run.republished, 1);
  assert.deepEqual(
    pager.published.map((p) => p.pageId),
    ['risk:x-9'],
  );
});

test('answering the customer pauses the clock; it resumes with what was left when they write again', async () => {
  const { cases } = await setup('2026-11-23T09:00:00.000Z');
  const { applySentReply } = await import('../../functions/core/cases');
  const brand = directory.brand('acme')!;
  const replied = applySentReply(brand, cases.cases.get('x-1')!, {
    reason: 'agent_reply',
    sentBy: 'agent-1',
    sentAt: '2026-11-23T09:10:00.000Z',
  });
  assert.equal(replied.status, 'waiting_on_customer');
  assert.equal(replied.sla, undefined, 'no deadline runs while we wait on the customer');
  assert.equal(replied.nextDeadlineAt, undefined);

  // The customer writes again ten working minutes later: the case reopens, the resolution clock goes on
  // with what it had left (its deadline moves by the ten minutes paused), a next-response clock starts.
  const original = cases.cases.get('x-1')!;
  assert.equal(await cases.updateCase(replied, original.version), 'written');
  await recordInteractions(
    [{ ...mention('2', '2026-11-23T09:20:00.000Z'), author: { id: 'c1', handle: 'traveller' } }],
    { directory, store: cases, sentiment: new StubSentiment() },
  );
  const resumed = cases.cases.get('x-1')!;
  assert.equal(resumed.status, 'open');
  assert.equal(resumed.pausedAt, undefined);
  assert.equal(
    Date.parse(resumed.resolutionDueAt!) - Date.parse(original.resolutionDueAt!),
    10 * 60_000,
    'the resolution deadline moved by the pause',
  );
  assert.ok(resumed.nextResponseDueAt, 'the new message runs on the next-response clock');
  assert.equal(resumed.nextDeadlineKind, 'next_response');
});

test('a high-risk post pages on-call at once, once however often it is delivered', async () => {
  const cases = new InMemoryCaseStore();
  const pages = new InMemoryPageStore();
  const pager = new RecordingPager();
  const deps = {
    directory,
    store: cases,
    sentiment: new StubSentiment(),
    paging: { pages, pager, linkFor: (id: string) => `https://care.example/cases/${id}` },
  };
  const risky = {
    ...mention('7', '2026-11-23T09:00:00.000Z'),
    text: '@Acme my lawyer will be in touch about the injury',
  };
  await recordInteractions([risky], deps);
  await recordInteractions([risky], deps);
  assert.equal(pager.published.length, 1);
  const [page] = pager.published;
  assert.equal(page?.kind, 'risk');
  assert.equal(page?.caseId, 'x-7');
  assert.match(page!.title, /legal: lawyer, safety: injury/);
  assert.equal(cases.cases.get('x-7')?.priority, 'urgent');
});

test('per-channel policies: the most specific channel wins, each field falls back', async () => {
  const { firstResponseDueAt, resolutionDueAt } = await import('../../functions/core/deadlines');
  const brand = parseBrandConfig({
    brands: [
      {
        id: 'b',
        name: 'B',
        accounts: [{ platform: 'x', id: '1', handle: 'B', role: 'care' }],
        deadlines: {
          byChannel: {
            x: { firstResponse: { high: '20m' } },
            'x:private': { firstResponse: { high: '2h' }, resolution: '48h' },
            generic: { firstResponse: { normal: '1d' } },
          },
        },
      },
    ],
  }).brands[0]!;
  const t = new Date('2026-11-23T10:00:00.000Z');
  const due = (platform: string, visibility: 'public' | 'private', priority: 'high' | 'normal') =>
    firstResponseDueAt(brand, { platform, visibility }, priority, t).toISOString();
  assert.equal(due('x', 'public', 'high'), '2026-11-23T10:20:00.000Z');
  assert.equal(due('x', 'private', 'high'), '2026-11-23T12:00:00.000Z');
  assert.equal(due('x', 'private', 'normal'), '2026-11-23T11:00:00.000Z', 'falls back to the default');
  assert.equal(due('generic', 'public', 'normal'), '2026-11-24T10:00:00.000Z');
  assert.equal(
    resolutionDueAt(brand, { platform: 'x', visibility: 'private' }, t).toISOString(),
    '2026-11-25T10:00:00.000Z',
  );
  assert.throws(
    () =>
      parseBrandConfig({
        brands: [
          {
            ...{ id: 'c', name: 'C', accounts: [{ platform: 'x', id: '2', handle: 'C', role: 'care' }] },
            deadlines: { byChannel: { email: {} } },
          },
        ],
      }),
    /brands\[0\]\.deadlines\.byChannel\.email: expected a channel/,
  );
});

test('a spike of negative posts well above the baseline pages once', async () => {
  const { InMemoryVolumeCounter } = await import('../fakes/in-memory');
  const cases = new InMemoryCaseStore();
  const pager = new RecordingPager();
  const volumes = new InMemoryVolumeCounter();
  const deps = {
    directory,
    store: cases,
    sentiment: new StubSentiment(),
    volumes,
    paging: { pages: new InMemoryPageStore(), pager, linkFor: (id: string) => id },
  };
  // A quiet hour: two negative posts per 10 minutes.
  for (let bucket = 0; bucket < 6; bucket++) {
    for (let i = 0; i < 2; i++) {
      const at = new Date(Date.parse('2026-11-23T09:00:00.000Z') + bucket * 600_000 + i * 1000).toISOString();
      await recordInteractions([mention(`q${bucket}-${i}`, at)], deps);
    }
  }
  assert.equal(pager.published.length, 0);
  // Then 25 in ten minutes.
  for (let i = 0; i < 25; i++) {
    const at = new Date(Date.parse('2026-11-23T10:00:00.000Z') + i * 10_000).toISOString();
    await recordInteractions([mention(`s${i}`, at)], deps);
  }
  const spikes = pager.published.filter((p) => p.kind === 'spike');
  assert.equal(spikes.length, 1, 'once per spike');
  assert.match(spikes[0]!.title, /negative posts spiking: 10 in 10 minutes \(usual 2\.0\)/);
});

test('a reply sent after the case was resolved, or after the customer wrote again, does not change the wrong clock', async () => {
  const { cases } = await setup('2026-11-23T09:00:00.000Z');
  const { applySentReply } = await import('../../functions/core/cases');
  const brand = directory.brand('acme')!;
  const open = cases.cases.get('x-1')!;
  const resolved = { ...open, status: 'resolved' as const };
  const afterResolve = applySentReply(brand, resolved, {
    reason: 'agent_reply',
    sentBy: 'a',
    sentAt: '2026-11-23T09:10:00.000Z',
    writtenAt: '2026-11-23T09:09:00.000Z',
  });
  // Resolved stays resolved, with no clock started again.
  assert.equal(afterResolve.status, 'resolved');
  assert.equal(afterResolve.nextDeadlineAt, undefined, 'no deadline is watched on a resolved case');
  assert.equal(afterResolve.sla, undefined);
  assert.equal(afterResolve.pausedAt, resolved.pausedAt, 'not turned into waiting-on-customer');
  assert.equal(afterResolve.nextResponseDueAt, resolved.nextResponseDueAt);
  const wroteAgain = {
    ...open,
    lastInboundAt: '2026-11-23T09:09:30.000Z',
    awaitingReplySince: '2026-11-23T09:00:00.000Z',
  };
  const stillOwed = applySentReply(brand, wroteAgain, {
    reason: 'agent_reply',
    sentBy: 'a',
    sentAt: '2026-11-23T09:10:00.000Z',
    writtenAt: '2026-11-23T09:09:00.000Z',
  });
  assert.equal(stillOwed.status, 'open');
  assert.equal(stillOwed.firstRespondedAt, '2026-11-23T09:10:00.000Z', 'the first response was still made');
  assert.ok(stillOwed.awaitingReplySince, 'the newer message is still owed an answer');
  assert.equal(stillOwed.nextDeadlineKind, 'next_response');
  assert.equal(
    stillOwed.nextResponseDueAt,
    '2026-11-23T09:39:30.000Z',
    'high: 30 working minutes from 09:09:30',
  );
});
