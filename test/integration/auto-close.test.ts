import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { autoCloseDueAt } from '../../functions/core/auto-close';
import { BrandDirectory } from '../../functions/core/brand-config';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import { addOpenTime } from '../../functions/core/calendar';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { mention } from '../e2e/support';
import { demoConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from './support';

// Auto-close against the running local system: a case an agent answered waits on the customer,
// closes when the brand's configured working time (one minute here) has passed on its calendar,
// sends its close-out through the outbox and the X stand-in, is on the audit trail, and opens again
// when the customer writes within the reopen window.

const CLOSE_OUT = 'We have not heard back, so we are closing this for now. Reply any time to reopen it.';
let system: LocalSystem;
let directory: BrandDirectory;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${API_TOKEN}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const config = JSON.parse(JSON.stringify(demoConfig())) as { brands: Array<Record<string, unknown>> };
  config.brands[0]!.autoClose = { after: '1m', byChannel: { 'x:private': '30m' }, closeOut: CLOSE_OUT };
  const brandConfig = parseBrandConfig(config);
  directory = new BrandDirectory(brandConfig);
  system = await startLocalSystem({
    brandConfig,
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    visibilityTimeoutSeconds: 1,
    // Run by hand below, at chosen instants: nothing closes behind the test's back.
    slaIntervalMs: 3_600_000,
  });
});

afterAll(async () => {
  await system?.stop();
});

test('a waiting case auto-closes on the brand calendar, says so in its thread, and reopens on a new message', async () => {
  const first = '1896000000000000001';
  const customer = { author: '8301', handle: 'c8301', name: 'C 8301' };
  assert.equal(
    (await postX(system.url, mention({ id: first, ...customer, text: '@DemoAir my bag did not arrive' })))
      .status,
    200,
  );
  const opened = await waitFor('the case', () => system.store.getCase(`x-${first}`));
  const reply = await call('POST', `/api/cases/x-${first}/reply`, {
    version: opened.version,
    text: 'Sorry! We are tracing it. Let us know if it turns up.',
    visibility: 'public',
    requestId: 'auto-close-reply-1',
  });
  assert.equal(reply.status, 202, JSON.stringify(reply.body));
  const waiting = await waitFor('the case waiting on the customer', async () => {
    const found = await system.store.getCase(`x-${first}`);
    return found?.status === 'waiting_on_customer' ? found : undefined;
  });

  // One minute of the brand's working time after our answer (the demo calendar is open around the clock).
  const brand = directory.brand('demoair')!;
  const due = autoCloseDueAt(brand, waiting)!;
  assert.equal(
    due.toISOString(),
    addOpenTime(brand.calendar, new Date(waiting.pausedAt!), 60_000).toISOString(),
  );
  assert.deepEqual(await system.runAutoClose(new Date(due.getTime() - 1000)), { closed: [] });
  assert.equal((await system.store.getCase(`x-${first}`))?.status, 'waiting_on_customer');
  assert.deepEqual(await system.runAutoClose(due), { closed: [`x-${first}`] });
  const closed = (await system.store.getCase(`x-${first}`))!;
  assert.equal(closed.status, 'resolved');
  assert.equal(closed.resolvedBy, 'auto-close');

  // The close-out goes through the outbox and the sender to X, in the customer's thread.
  const sent = await waitFor('the close-out at the X stand-in', async () =>
    system.standIn.sent.find((s) => s.text === CLOSE_OUT),
  );
  assert.equal(sent.kind, 'reply');
  assert.equal(sent.accountId, '4000001');
  assert.equal(sent.inReplyToId, first);

  // On the audit trail, by the system.
  const view = await call('GET', `/api/cases/x-${first}`);
  const audit = view.body.audit as Array<Record<string, unknown>>;
  assert.ok(
    audit.some((e) => e.action === 'auto_close' && e.agentId === 'auto-close'),
    JSON.stringify(audit),
  );

  // The customer writes again, within the reopen window: the same case is open again.
  const second = '1896000000000000002';
  assert.equal(
    (await postX(system.url, mention({ id: second, ...customer, text: '@DemoAir still nothing, any news?' })))
      .status,
    200,
  );
  const reopened = await waitFor('the case open again', async () => {
    const found = await system.store.getCase(`x-${first}`);
    return found?.status === 'open' && found.reopenedAt ? found : undefined;
  });
  assert.equal(reopened.resolvedBy, undefined);
  assert.ok(reopened.nextDeadlineAt, 'a reopened case is owed an answer');
  assert.equal(await system.store.getCase(`x-${second}`), undefined, 'no new case was opened');
  const messages = await system.store.listMessages(`x-${first}`);
  assert.deepEqual(
    messages.filter((m) => m.direction === 'in').map((m) => m.platformMessageId),
    [first, second],
  );
});
