import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { signMetaPayload } from '../../functions/channels/meta/signature';
import { createMetaWebhook } from '../../functions/channels/meta/webhook';
import { MemoryMetrics } from '../../functions/core/metrics';
import { RecordingDeadLetters, RecordingQueue } from '../fakes/in-memory';
import { demoDirectory, fixture, httpEvent } from '../helpers';

const APP_SECRET = 'test-meta-app-secret';
const VERIFY_TOKEN = 'test-verify-token';

function setup() {
  const queue = new RecordingQueue();
  const deadLetters = new RecordingDeadLetters();
  const metrics = new MemoryMetrics();
  const webhook = createMetaWebhook({
    appSecret: async () => APP_SECRET,
    verifyToken: async () => VERIFY_TOKEN,
    directory: demoDirectory(),
    queue,
    deadLetters,
    metrics,
    now: () => new Date('2026-11-23T09:15:00Z'),
  });
  return { queue, deadLetters, metrics, webhook };
}

const post = (body: string | Buffer, signature?: string, base64 = false) =>
  httpEvent({
    method: 'POST',
    path: '/webhooks/meta',
    body,
    base64,
    headers: signature === undefined ? {} : { 'X-Hub-Signature-256': signature },
  });

test('GET echoes hub.challenge as text for our verify token, and is 403 otherwise', async () => {
  const { webhook } = setup();
  const query = { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' };
  const ok = await webhook(httpEvent({ method: 'GET', path: '/webhooks/meta', query }));
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.body, '1158201444');
  assert.match(String(ok.headers?.['content-type']), /^text\/plain/);
  for (const bad of [
    { ...query, 'hub.verify_token': 'guess' },
    { ...query, 'hub.mode': 'unsubscribe' },
    { 'hub.challenge': '1' },
  ]) {
    const refused = await webhook(httpEvent({ method: 'GET', path: '/webhooks/meta', query: bad }));
    assert.equal(refused.statusCode, 403);
    assert.notEqual(refused.body, '1158201444');
  }
  assert.equal((await webhook(httpEvent({ method: 'GET', path: '/webhooks/meta' }))).statusCode, 403);
});

test('a signed batch is normalized, enqueued in platform time order and answered 200', async () => {
  const { webhook, queue, metrics } = setup();
  const body = fixture('meta/messenger-batch.json');
  const result = await webhook(post(body, signMetaPayload(APP_SECRET, body)));
  assert.equal(result.statusCode, 200);
  assert.deepEqual(JSON.parse(result.body!), { accepted: 5 });
  assert.equal(queue.sent.length, 5);
  const times = queue.sent.map((i) => i.createdAt);
  assert.deepEqual(times, [...times].sort());
  assert.equal(queue.sent[0]?.receivedAt, '2026-11-23T09:15:00.000Z');
  assert.equal(metrics.totals.get('InteractionsAccepted|demoair'), 5);
});

test('a page feed comment is enqueued with its thread', async () => {
  const { webhook, queue } = setup();
  const body = fixture('meta/page-feed-batch.json');
  assert.equal((await webhook(post(body, signMetaPayload(APP_SECRET, body)))).statusCode, 200);
  assert.deepEqual(
    queue.sent.map((i) => [i.kind, i.inReplyToId]),
    [
      ['mention', undefined],
      ['comment', '5000001_700000000000001'],
      ['comment', '700000000000001_800000000000001'],
    ],
  );
});

test('the signature is checked over the raw bytes, also when API Gateway base64-encodes them', async () => {
  const { webhook, queue } = setup();
  const body = Buffer.from(fixture('meta/messenger-batch.json'));
  const result = await webhook(post(body, signMetaPayload(APP_SECRET, body), true));
  assert.equal(result.statusCode, 200);
  assert.equal(queue.sent.length, 5);
});

test('a missing or wrong signature is 401 and nothing is enqueued or parked', async () => {
  const { webhook, queue, deadLetters } = setup();
  const body = fixture('meta/messenger-batch.json');
  for (const signature of [
    undefined,
    '',
    'sha256=00',
    signMetaPayload(APP_SECRET, body).replace('sha256=', 'sha1='),
    signMetaPayload('another-secret', body),
    signMetaPayload(APP_SECRET, JSON.stringify(JSON.parse(body))),
  ]) {
    const result = await webhook(post(body, signature));
    assert.equal(result.statusCode, 401, `signature ${signature}`);
  }
  assert.equal(queue.sent.length, 0);
  assert.equal(deadLetters.parked.length, 0);
});

test('a signed body that is not JSON is 400 and parked', async () => {
  const { webhook, queue, deadLetters } = setup();
  const body = '{"object": "page", ';
  const result = await webhook(post(body, signMetaPayload(APP_SECRET, body)));
  assert.equal(result.statusCode, 400);
  assert.equal(queue.sent.length, 0);
  assert.equal(deadLetters.parked[0]?.reason, 'signed body is not JSON');
  assert.equal(deadLetters.parked[0]?.source, 'meta-webhook');
});

test('a signed payload without entries is 400 and parked', async () => {
  const { webhook, deadLetters } = setup();
  const body = '{"object":"page"}';
  const result = await webhook(post(body, signMetaPayload(APP_SECRET, body)));
  assert.equal(result.statusCode, 400);
  assert.equal(deadLetters.parked[0]?.reason, 'page payload without an entry array');
});

test('items for an unconfigured page are parked while the rest is enqueued', async () => {
  const { webhook, queue, deadLetters } = setup();
  const payload = JSON.parse(fixture('meta/messenger-batch.json'));
  payload.entry[1].id = '999';
  const body = JSON.stringify(payload);
  const result = await webhook(post(body, signMetaPayload(APP_SECRET, body)));
  assert.equal(result.statusCode, 200);
  assert.equal(queue.sent.length, 2);
  assert.equal(deadLetters.parked.length, 3);
  assert.match(deadLetters.parked[0]!.reason, /999 is not a configured Facebook page/);
  assert.equal(JSON.parse(deadLetters.parked[0]!.body).postback.payload, 'TALK_TO_AGENT');
});

test('an echo-only delivery is 200 with nothing enqueued', async () => {
  const { webhook, queue, deadLetters } = setup();
  const payload = JSON.parse(fixture('meta/messenger-batch.json'));
  payload.entry = [{ ...payload.entry[0], messaging: [payload.entry[0].messaging[1]] }];
  const body = JSON.stringify(payload);
  const result = await webhook(post(body, signMetaPayload(APP_SECRET, body)));
  assert.equal(result.statusCode, 200);
  assert.deepEqual(JSON.parse(result.body!), { accepted: 0 });
  assert.equal(queue.sent.length + deadLetters.parked.length, 0);
});

test('an oversized body is refused before it is read further; other methods are 405', async () => {
  const { webhook, queue } = setup();
  const body = Buffer.alloc(1024 * 1024 + 1, 0x20);
  assert.equal((await webhook(post(body, signMetaPayload(APP_SECRET, body)))).statusCode, 413);
  assert.equal(queue.sent.length, 0);
  assert.equal((await webhook(httpEvent({ method: 'PUT', path: '/webhooks/meta' }))).statusCode, 405);
});

test('a signed event nested too deep to serialize is parked as the whole body, never a 500', async () => {
  const { webhook, queue, deadLetters } = setup();
  const depth = 12_000;
  const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  // An entry for a page we do not have: rejected, and its event cannot be serialized again.
  const body = `{"object":"page","entry":[{"id":"999","time":1,"messaging":[{"sender":{"id":"1"},"recipient":{"id":"999"},"timestamp":1,"message":{"mid":"m1","text":"hi","x":${deep}}}]}]}`;
  const result = await webhook(post(body, signMetaPayload(APP_SECRET, body)));
  assert.ok(result.statusCode === 200 || result.statusCode === 400, String(result.statusCode));
  assert.equal(queue.sent.length, 0);
  assert.equal(deadLetters.parked.length, 1);
});
