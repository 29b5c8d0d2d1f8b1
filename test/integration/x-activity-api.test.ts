import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import type { Page } from '../../functions/core/paging';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, postX, waitFor, X_SECRET } from './support';

// X Activity API (XAA) events, in the official sample shapes adapted to the demo accounts, signed and
// posted to the running local system: DynamoDB Local, the embedded SQS/SNS, the real consumers.
// Nothing here waits a fixed time: each check polls for its state with a generous deadline (a shared,
// loaded machine can take many seconds per step).
const DEADLINE_MS = 90_000;

let system: LocalSystem;
const pagesSeen: Page[] = [];

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    onPage: (page) => pagesSeen.push(page),
  });
});
afterAll(() => system?.stop());

// biome-ignore lint/suspicious/noExplicitAny: API answers and fixtures are read field by field
type Json = Record<string, any>;

/** An adapted XAA fixture with its times moved to now (deadlines and answers are measured from them). */
function xaa(name: string, edit?: (data: Json) => void): string {
  const payload = JSON.parse(fixture(`x/${name}`)) as { data: Json };
  const now = Date.now();
  const data = payload.data;
  if (typeof data.payload?.created_at === 'string') data.payload.created_at = new Date(now).toISOString();
  for (const event of data.payload?.direct_message_events ?? []) event.created_timestamp = String(now);
  if (data.payload?.created_at_msec) data.payload.created_at_msec = String(now);
  edit?.(data);
  return JSON.stringify(payload);
}

async function caseOf(caseId: string) {
  const { status, body } = await api(system.url, `/api/cases/${caseId}`);
  return status === 200 ? (body as { case: Json; messages: Json[] }) : undefined;
}

const waitForCase = (caseId: string, ready: (c: { case: Json; messages: Json[] }) => boolean = () => true) =>
  waitFor(
    `case ${caseId}`,
    async () => {
      const found = await caseOf(caseId);
      return found && ready(found) ? found : undefined;
    },
    DEADLINE_MS,
  );

test('post.mention.create opens a case for the care account with the author from includes', async () => {
  const { status, body } = await postX(system.url, xaa('xaa-post.mention.create.json'));
  assert.equal(status, 200);
  assert.deepEqual(body, { accepted: 1 });
  const found = await waitForCase('x-2080765813578191303');
  assert.equal(found.case.accountId, '4000001');
  assert.equal(found.case.visibility, 'public');
  assert.equal(found.case.customer.handle, 'lena_travels');
  assert.equal(found.messages.length, 1);
  assert.equal(found.messages[0]?.kind, 'mention');
  assert.match(found.messages[0]?.text, /lounge at Schiphol/);
});

test('post.reply.create opens a case that keeps the post it answers', async () => {
  assert.equal((await postX(system.url, xaa('xaa-post.reply.create.json'))).status, 200);
  const found = await waitForCase('x-2090000000000000001');
  assert.equal(found.messages[0]?.kind, 'reply');
  assert.equal(found.messages[0]?.inReplyToId, '2080761390344937796');
  assert.equal(found.case.conversationId, 'x:2080761390344937796');
});

test('post.quote.create opens a case whose message carries the quoted post and its text', async () => {
  assert.equal((await postX(system.url, xaa('xaa-post.quote.create.json'))).status, 200);
  const found = await waitForCase('x-2090000000000000002');
  const [message] = found.messages;
  assert.equal(message?.kind, 'quote');
  assert.deepEqual(message?.quoted, {
    id: '2080761390344937796',
    text: 'Every DemoAir flight to New York left on time this week. Thank you, crews!',
  });
  assert.match(message?.text, /nobody at the gate/);
  assert.equal(found.case.sentiment, 'NEGATIVE', "triage read the customer's words, not our quoted post");
});

test('dm.received opens a private case; dm.sent from X app is recorded on it as outbound, opens nothing, sends nothing', async () => {
  assert.equal((await postX(system.url, xaa('xaa-dm.received.json'))).status, 200);
  const opened = await waitForCase('x-2080765901528535096');
  assert.equal(opened.case.visibility, 'private');
  assert.equal(opened.case.status, 'open');
  assert.equal(opened.case.customer.id, '3100000004');
  // The booking reference is personal data: masked in what is stored.
  const sentBefore = system.standIn.sent.length;

  const sent = xaa('xaa-dm.sent.json');
  assert.deepEqual((await postX(system.url, sent)).body, { accepted: 1 });
  // The case and its messages are two reads: wait until both show the outbound message.
  const answered = await waitForCase(
    'x-2080765901528535096',
    (c) => c.messages.length === 2 && c.case.status !== 'open',
  );
  const out = answered.messages.find((m) => m.direction === 'out');
  assert.equal(out?.platformMessageId, '2080763914820927863');
  assert.equal(out?.authorId, '4000001');
  assert.equal(out?.sentBy, 'x-app');
  assert.equal(out?.reason, 'sent_outside_socialcare');
  assert.equal(out?.text, 'Hi Dana, we have moved you to seat 12A. Have a good flight!');
  assert.equal(answered.case.status, 'waiting_on_customer', 'the customer was answered');
  assert.ok(answered.case.firstRespondedAt);

  // Delivered again: still one outbound message. Never a case of its own, never an answer to it.
  assert.equal((await postX(system.url, sent)).status, 200);
  await system.drained();
  assert.equal((await caseOf('x-2080765901528535096'))?.messages.length, 2);
  assert.equal(await caseOf('x-2080763914820927863'), undefined);
  const ownProfile = await api(system.url, '/api/cases?limit=200');
  assert.ok(!(ownProfile.body.cases as Json[]).some((c) => c.customer.id === '4000001'));
  assert.equal(system.standIn.sent.length, sentBefore, 'nothing was sent in answer to our own message');
});

test('dm.sent to someone with no case opens nothing', async () => {
  const body = xaa('xaa-dm.sent.json', (data) => {
    const event = data.payload.direct_message_events[0];
    event.id = '2080763914820927999';
    event.message_create.target.recipient_id = '3199999999';
  });
  assert.deepEqual((await postX(system.url, body)).body, { accepted: 1 });
  await system.drained();
  const cases = (await api(system.url, '/api/cases?limit=200')).body.cases as Json[];
  assert.ok(!cases.some((c) => c.customer.id === '3199999999' || c.customer.id === '4000001'));
  assert.equal(await caseOf('x-2080763914820927999'), undefined);
});

test('chat.received (encrypted) becomes a case that says plainly to read it in X app', async () => {
  assert.equal((await postX(system.url, xaa('xaa-chat.received.json'))).status, 200);
  const found = await waitForCase('x-e4f4d3fc-8bbf-4928-92eb-e5058d6bb6f6');
  assert.equal(found.case.visibility, 'private');
  assert.equal(found.case.customer.id, '3100000005');
  assert.equal(
    found.case.subject,
    "[Encrypted X Chat message: it cannot be read here] Read and answer it in X's app (Chat) as @DemoAir.",
  );
  assert.equal(found.messages[0]?.text, found.case.subject);
});

test('like.create (and any other event type) is answered 200 and ignored: nothing queued', async () => {
  const { status, body } = await postX(system.url, xaa('xaa-like.create.json'));
  assert.equal(status, 200);
  assert.deepEqual(body, { accepted: 0 });
});

test('a wrong signature on an XAA event is 401 and nothing is recorded', async () => {
  const body = xaa('xaa-post.mention.create.json', (data) => {
    data.payload.id = '2080765813578199999';
  });
  assert.equal((await postX(system.url, body, 'sha256=bm9wZQ==')).status, 401);
  await system.drained();
  assert.equal(await caseOf('x-2080765813578199999'), undefined);
});

test('one post delivered by the Account Activity API and by XAA (either order, twice) is one case and one message', async () => {
  const aaa = fixture('x/mention.json');
  const viaXaa = xaa('xaa-post.mention.create-same-post-as-mention.json');
  const posted = await Promise.all([postX(system.url, viaXaa), postX(system.url, aaa)]);
  assert.deepEqual(
    posted.map((p) => p.status),
    [200, 200],
  );
  await waitForCase('x-1860000000000000001');
  assert.equal((await postX(system.url, aaa)).status, 200);
  assert.equal((await postX(system.url, viaXaa)).status, 200);
  await system.drained();
  const found = await caseOf('x-1860000000000000001');
  assert.equal(found?.messages.length, 1);
  assert.equal(found?.case.messageCount, 1);
  const cases = (await api(system.url, '/api/cases?limit=200')).body.cases as Json[];
  assert.equal(cases.filter((c) => c.customer.id === '3001969357').length, 1);

  // The same for a direct message (the same customer: it joins their open case, once).
  await postX(system.url, xaa('xaa-dm.received-same-message-as-direct-message.json'));
  await postX(system.url, fixture('x/direct-message.json'));
  const joined = await waitForCase('x-1860000000000000001', (c) => c.messages.length >= 2);
  await system.drained();
  assert.deepEqual(
    ((await caseOf('x-1860000000000000001'))?.messages ?? []).map((m) => m.platformMessageId).sort(),
    ['1860000000000000001', '954491830116155396'],
  );
  assert.equal(joined.case.customer.id, '3001969357');
  const after = (await api(system.url, '/api/cases?limit=200')).body.cases as Json[];
  assert.equal(after.filter((c) => c.customer.id === '3001969357').length, 1);
});

test('oauth.revoke pages on-call, marks the account, and sends as it are refused with the reason until re-authorized', async () => {
  const revoke = xaa('xaa-oauth.revoke.json');
  assert.deepEqual((await postX(system.url, revoke)).body, { accepted: 0 });
  const page = await waitFor(
    'the revocation page',
    async () => {
      const pages = (await api(system.url, '/api/pages?limit=50')).body.pages as Page[];
      return pages.find((p) => p.kind === 'account_revoked');
    },
    DEADLINE_MS,
  );
  assert.equal(page.severity, 'critical');
  assert.equal(page.brandId, 'demoair');
  assert.match(
    page.title,
    /@DemoAirFares \(bot, x id 4000002\) revoked socialcare's access: it must be re-authorized/,
  );
  assert.doesNotMatch(
    `${page.title}\n${page.text}`,
    /31000000|3001969357|lena|dana|@\w+_\w+/i,
    'no customer data',
  );
  await waitFor(
    'the page on the on-call topic',
    async () => (pagesSeen.some((p) => p.pageId === page.pageId) ? true : undefined),
    DEADLINE_MS,
  );

  const accounts = async () =>
    (await api(system.url, '/api/accounts')).body.accounts as Array<Json & { id: string }>;
  const bot = (await accounts()).find((a) => a.id === '4000002');
  assert.equal(bot?.needsReauthorization, true);
  assert.equal(bot?.revokedAt, '2026-07-23T21:44:05.000Z');
  assert.equal((await accounts()).find((a) => a.id === '4000001')?.needsReauthorization, false);

  // Delivered again: one page.
  assert.equal((await postX(system.url, revoke)).status, 200);
  await system.drained();
  const pages = (await api(system.url, '/api/pages?limit=50')).body.pages as Page[];
  assert.equal(pages.filter((p) => p.kind === 'account_revoked').length, 1);

  // A fare question to the revoked bot: the answer is not sent, and the case says why.
  const question = xaa('xaa-post.mention.create.json', (data) => {
    data.filter.user_id = '4000002';
    data.payload.id = '2080765813578100001';
    data.payload.author_id = '3100000009';
    data.payload.text = '@DemoAirFares how much is a return AMS to JFK';
  });
  assert.equal((await postX(system.url, question)).status, 200);
  const flagged = await waitForCase('x-2080765813578100001', (c) => Boolean(c.case.deliveryProblem));
  assert.match(
    flagged.case.deliveryProblem,
    /X account 4000002 revoked socialcare's access .* must be re-authorized; not sent/,
  );
  assert.ok(!system.standIn.sent.some((s) => s.inReplyToId === '2080765813578100001'));

  // An operator re-authorizes: the mark is lifted, and the old revocation delivered again does not bring it back.
  const response = await fetch(`${system.url}/api/accounts/x/4000002/reauthorized`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(response.status, 200);
  assert.equal((await accounts()).find((a) => a.id === '4000002')?.needsReauthorization, false);
  assert.equal((await postX(system.url, revoke)).status, 200);
  await system.drained();
  assert.equal((await accounts()).find((a) => a.id === '4000002')?.needsReauthorization, false);

  // After re-authorization the bot answers again.
  const again = xaa('xaa-post.mention.create.json', (data) => {
    data.filter.user_id = '4000002';
    data.payload.id = '2080765813578100002';
    data.payload.author_id = '3100000010';
    data.payload.text = '@DemoAirFares how much is a return AMS to LHR';
  });
  assert.equal((await postX(system.url, again)).status, 200);
  await waitFor(
    'the bot answer at the X stand-in',
    async () => (system.standIn.sent.some((s) => s.inReplyToId === '2080765813578100002') ? true : undefined),
    DEADLINE_MS,
  );
});

test('an unknown account in /api/accounts/.../reauthorized is 404', async () => {
  const response = await fetch(`${system.url}/api/accounts/x/999/reauthorized`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}` },
  });
  assert.equal(response.status, 404);
});
