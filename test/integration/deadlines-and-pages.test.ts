import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { DynamoPageStore } from '../../functions/adapters/aws/dynamo-sla';
import type { Page } from '../../functions/core/paging';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, postX, waitFor, X_SECRET } from './support';

let system: LocalSystem;
const pages: Page[] = [];

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    slaIntervalMs: 3_600_000, // runs are driven by the test
    onPage: (page) => pages.push(page),
  });
});
afterAll(() => system?.stop());

const pagesOfKind = (kind: string) => pages.filter((p) => p.kind === kind);

test('a case crosses warning and breach; one page per step arrives through the embedded SNS, even with overlapping monitors', async () => {
  const { status } = await postX(system.url, fixture('x/mention.json'));
  assert.equal(status, 200);
  const { body } = await waitFor('the case', async () => {
    const found = await api(system.url, '/api/cases/x-1860000000000000001');
    return found.status === 200 ? found : undefined;
  });
  const careCase = body.case as { openedAt: string; firstResponseDueAt: string; sla: { checkAt: string } };
  const opened = Date.parse(careCase.openedAt);

  // Two monitors overlapping at each step: the conditional update lets one of them page.
  const at = (minutes: number) => new Date(opened + minutes * 60_000);
  await Promise.all([system.runSlaMonitor(at(25)), system.runSlaMonitor(at(25))]);
  await waitFor('the warning page', async () => pagesOfKind('deadline_warning').length === 1 || undefined);
  await Promise.all([
    system.runSlaMonitor(at(31)),
    system.runSlaMonitor(at(31)),
    system.runSlaMonitor(at(32)),
  ]);
  await waitFor('the breach page', async () => pagesOfKind('deadline_breach').length === 1 || undefined);
  await system.runSlaMonitor(at(70));
  await waitFor('the repeat page', async () => pagesOfKind('deadline_repeat').length === 1 || undefined);
  await system.runSlaMonitor(at(120));
  await new Promise((r) => setTimeout(r, 1500));

  assert.deepEqual(
    pages.filter((p) => p.caseId === 'x-1860000000000000001').map((p) => p.kind),
    ['deadline_warning', 'deadline_breach', 'deadline_repeat'],
  );
  const breach = pagesOfKind('deadline_breach')[0]!;
  assert.equal(breach.severity, 'critical');
  assert.match(breach.text, /first response deadline missed/);
  assert.match(breach.text, /overdue by [12]m/, 'whichever overlapping monitor won');
  assert.equal(breach.link, `${system.url}/#/cases/x-1860000000000000001`);

  const updated = (await api(system.url, '/api/cases/x-1860000000000000001')).body.case as {
    slaHistory: Array<{ step: string }>;
  };
  assert.deepEqual(
    updated.slaHistory.map((h) => h.step),
    ['warning', 'breach', 'repeat'],
  );
  assert.equal(system.metrics.totals.get('DeadlineWarnings|demoair'), 1);
  assert.equal(system.metrics.totals.get('DeadlineBreaches|demoair'), 1);
  assert.equal(system.metrics.totals.get('CasesOpened|demoair'), 1);
  // The case says what on-call was paged about (read back from DynamoDB by the pages' ids).
  const detailPages = (await api(system.url, '/api/cases/x-1860000000000000001')).body.pages as Page[];
  assert.deepEqual(
    detailPages.map((p) => p.kind),
    ['deadline_warning', 'deadline_breach', 'deadline_repeat'],
  );
  const listed = (await api(system.url, '/api/pages')).body.pages as Page[];
  assert.deepEqual(listed.map((p) => p.kind).sort(), [
    'deadline_breach',
    'deadline_repeat',
    'deadline_warning',
  ]);
});

test('a high-risk post pages on-call at once', async () => {
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.tweet_create_events[0].id_str = '1860000000000000777';
  payload.tweet_create_events[0].user.id_str = '777';
  payload.tweet_create_events[0].text =
    '@DemoAir a passenger was injured by the trolley and nobody helped. Calling my lawyer.';
  await postX(system.url, JSON.stringify(payload));
  const [page] = await waitFor('the risk page', async () => {
    const found = pagesOfKind('risk');
    return found.length ? found : undefined;
  });
  assert.equal(page?.caseId, 'x-1860000000000000777');
  assert.match(page!.title, /legal: lawyer/);
  // The page goes out before the case is written (so a retried write never pages twice): wait for it.
  const careCase = await waitFor('the risky case', async () => {
    const found = await api(system.url, '/api/cases/x-1860000000000000777');
    return found.status === 200 ? (found.body.case as { priority: string }) : undefined;
  });
  assert.equal(careCase.priority, 'urgent');
  // The urgent case shows the page it caused: never "no warning" on a case on-call was paged about.
  const detail = (await api(system.url, '/api/cases/x-1860000000000000777')).body;
  assert.deepEqual(
    (detail.pages as Page[]).map((p) => [p.pageId, p.kind, p.severity]),
    [['risk:x:1860000000000000777', 'risk', 'critical']],
  );
});

test('a risk page carries the masked text: no card number reaches SNS or /api/pages', async () => {
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.tweet_create_events[0].id_str = '1860000000000000888';
  payload.tweet_create_events[0].user.id_str = '888';
  payload.tweet_create_events[0].text = '@DemoAir I will sue you. card 4111 1111 1111 1111';
  await postX(system.url, JSON.stringify(payload));
  const published = await waitFor('the risk page', async () =>
    pages.find((p) => p.caseId === 'x-1860000000000000888'),
  );
  const listed = await waitFor('the page in /api/pages', async () => {
    const found = (await api(system.url, '/api/pages')).body.pages as Page[];
    return found.find((p) => p.caseId === 'x-1860000000000000888');
  });
  for (const page of [published, listed]) {
    assert.doesNotMatch(JSON.stringify(page), /4111 1111 1111 1111|4111111111111111/);
    assert.match(page.text, /card •••• •••• •••• 1111/);
  }
});

test('a burst of negative posts pages on-call once as a spike (DynamoDB counters, SNS)', async () => {
  const base = 1_860_000_000_000_001_000n;
  const post = (i: number) => {
    const payload = JSON.parse(fixture('x/mention.json'));
    payload.tweet_create_events[0].id_str = String(base + BigInt(i));
    payload.tweet_create_events[0].user.id_str = String(70_000 + i);
    payload.tweet_create_events[0].text = `@DemoAir flight cancelled again, terrible, nobody answers (${i})`;
    return postX(system.url, JSON.stringify(payload));
  };
  // Counts go in 10-minute buckets: do not start the burst just before a bucket ends.
  const toNextBucket = 600_000 - (Date.now() % 600_000);
  if (toNextBucket < 15_000) await new Promise((r) => setTimeout(r, toNextBucket + 100));
  // 12 negative posts in one bucket: over the 10 a spike needs, and over three times the baseline.
  for (let i = 0; i < 12; i++) assert.equal((await post(i)).status, 200);
  const [spike] = await waitFor('the spike page', async () => {
    const found = pagesOfKind('spike');
    return found.length ? found : undefined;
  });
  assert.match(spike!.title, /\[DemoAir\] negative posts spiking: \d+ in 10 minutes \(usual \d+\.\d\)/);
  await system.drained();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(pagesOfKind('spike').length, 1, 'once per spike, not once per post');
});

test('a page recorded but never published (its publisher died) is published by the next monitor run, once', async () => {
  const store = new DynamoPageStore(system.dynamo.client, system.dynamo.tableName);
  const createdAt = new Date(Date.now() - 5 * 60_000).toISOString();
  assert.equal(
    await store.createPage({
      pageId: 'risk:x:stuck-1',
      kind: 'risk',
      severity: 'critical',
      brandId: 'demoair',
      caseId: 'x-stuck-1',
      title: '[DemoAir] high-risk post (stuck)',
      text: 'stuck page',
      link: `${system.url}/#/cases/x-stuck-1`,
      createdAt,
    }),
    'created',
  );
  const run = await system.runSlaMonitor(new Date());
  assert.equal(run.republished, 1);
  await waitFor('the stuck page through the embedded SNS', async () =>
    pages.some((p) => p.pageId === 'risk:x:stuck-1') ? true : undefined,
  );
  assert.equal((await system.runSlaMonitor(new Date())).republished, 0, 'marked published: not again');
  assert.equal(pages.filter((p) => p.pageId === 'risk:x:stuck-1').length, 1);
});
