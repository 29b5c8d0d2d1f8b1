import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { XAdminApi } from '../../functions/core/x-admin/ports';
import { checkWebhookHealth } from '../../functions/core/x-admin/webhook-health';
import {
  FakeXWebhooks,
  InMemoryPageStore,
  InMemoryWebhookHealthStore,
  RecordingPager,
} from '../fakes/in-memory';

const URL = 'https://care.example.com/webhooks/x';

function setup() {
  const x = new FakeXWebhooks();
  const store = new InMemoryWebhookHealthStore();
  const pages = new InMemoryPageStore();
  const pager = new RecordingPager();
  let now = new Date('2026-12-03T10:00:30Z');
  const check = () =>
    checkWebhookHealth({
      api: x as unknown as XAdminApi,
      store,
      webhookUrl: URL,
      brandIds: ['demoair', 'other'],
      paging: { pages, pager },
      now: () => now,
    });
  return { x, store, pager, check, at: (iso: string) => (now = new Date(iso)) };
}

test('healthy: the last good time is recorded; nothing is validated or replayed', async () => {
  const { x, store, check } = setup();
  x.webhooks = [{ id: '1', url: URL, valid: true }];
  assert.equal((await check()).outcome, 'healthy');
  assert.equal(store.state.lastGoodAt, '2026-12-03T10:00:30.000Z');
  assert.equal(store.state.webhookId, '1');
  assert.deepEqual([x.validations, x.replays], [[], []]);
});

test('never set up: reported, nobody paged; set up then gone: paged once per brand', async () => {
  const { x, pager, check, at } = setup();
  assert.equal((await check()).outcome, 'not_registered');
  assert.equal(pager.published.length, 0);
  x.webhooks = [{ id: '1', url: URL, valid: true }];
  await check();
  x.webhooks = [];
  at('2026-12-03T10:05:00Z');
  assert.equal((await check()).outcome, 'not_registered');
  await check();
  assert.deepEqual(
    pager.published.map((p) => [p.kind, p.brandId]),
    [
      ['x_webhook', 'demoair'],
      ['x_webhook', 'other'],
    ],
  );
});

test('an outage: re-validated, then replayed from the minute last seen good to now', async () => {
  const { x, check, at, store } = setup();
  x.webhooks = [{ id: '1', url: URL, valid: true }];
  await check();
  x.webhooks[0]!.valid = false;
  at('2026-12-03T13:20:10Z');
  const result = await check();
  assert.equal(result.outcome, 'recovered');
  assert.deepEqual(x.validations, ['1']);
  assert.deepEqual(x.replays, [
    { webhookId: '1', from: '2026-12-03T10:00:00.000Z', to: '2026-12-03T13:20:00.000Z' },
  ]);
  assert.equal(store.state.outageSince, undefined);
  assert.equal(store.state.lastReplayJobId, 'job-1');
});

test('an outage longer than X keeps: the replay starts 24 hours back, no earlier', async () => {
  const { x, check, at } = setup();
  x.webhooks = [{ id: '1', url: URL, valid: true }];
  await check();
  x.webhooks[0]!.valid = false;
  at('2026-12-05T09:00:00Z');
  await check();
  assert.equal(x.replays[0]?.from, '2026-12-04T09:00:00.000Z');
});

test('a webhook that came back valid by itself while an outage was owed is still replayed', async () => {
  const { x, check, at, pager } = setup();
  x.webhooks = [{ id: '1', url: URL, valid: true }];
  await check();
  x.webhooks[0]!.valid = false;
  x.crcPasses = false;
  at('2026-12-03T10:10:00Z');
  assert.equal((await check()).outcome, 'revalidation_failed');
  assert.equal(pager.published.length, 2, 'one page per brand');
  // X's own periodic CRC passed in between.
  x.webhooks[0]!.valid = true;
  at('2026-12-03T10:20:00Z');
  assert.equal((await check()).outcome, 'recovered');
  assert.equal(x.replays[0]?.from, '2026-12-03T10:00:00.000Z');
});

test('failed re-validation and failed replay page once per outage, however many runs fail', async () => {
  const { x, check, at, pager } = setup();
  x.webhooks = [{ id: '1', url: URL, valid: true }];
  await check();
  x.webhooks[0]!.valid = false;
  x.replayFails = true;
  for (const minute of ['10:05', '10:06', '10:07']) {
    at(`2026-12-03T${minute}:00Z`);
    assert.equal((await check()).outcome, 'replay_failed');
  }
  assert.equal(pager.published.length, 2);
  assert.match(pager.published[0]?.title ?? '', /could not be replayed/);
  x.replayFails = false;
  at('2026-12-03T10:08:00Z');
  assert.equal((await check()).outcome, 'recovered');
  assert.equal(x.replays[0]?.from, '2026-12-03T10:00:00.000Z', 'still from the last good minute');
});

test('two overlapping checks: one claims the outage, the other stands back; one replay', async () => {
  const { x, check, at } = setup();
  x.webhooks = [{ id: '1', url: URL, valid: true }];
  await check();
  x.webhooks[0]!.valid = false;
  at('2026-12-03T11:00:00Z');
  const outcomes = (await Promise.all([check(), check()])).map((r) => r.outcome).sort();
  assert.deepEqual(outcomes, ['busy', 'recovered']);
  assert.equal(x.replays.length, 1);
});
