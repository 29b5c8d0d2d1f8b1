import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { signXPayload } from '../../functions/channels/x/signature';
import { fixture, httpEvent, xWebhookUnderTest } from '../helpers';

const SECRET = 'test-consumer-secret';

const setup = () => xWebhookUnderTest(SECRET);

const post = (body: string | Buffer, signature?: string, base64 = false) =>
  httpEvent({
    method: 'POST',
    path: '/webhooks/x',
    body,
    base64,
    headers: signature === undefined ? {} : { 'x-twitter-webhooks-signature': signature },
  });

test('GET answers the CRC challenge, and asks for the token when it is missing', async () => {
  const { webhook } = setup();
  const ok = await webhook(httpEvent({ method: 'GET', path: '/webhooks/x', query: { crc_token: 'foo' } }));
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(JSON.parse(ok.body!), { response_token: signXPayload(SECRET, 'foo') });
  assert.equal((await webhook(httpEvent({ method: 'GET', path: '/webhooks/x' }))).statusCode, 400);
});

test('a signed mention is enqueued and answered 200', async () => {
  const { webhook, queue } = setup();
  const body = fixture('x/mention.json');
  const result = await webhook(post(body, signXPayload(SECRET, body)));
  assert.equal(result.statusCode, 200);
  assert.equal(queue.sent.length, 1);
  assert.equal(queue.sent[0]?.receivedAt, '2026-11-23T09:15:00.000Z');
});

test('the signature is checked over the raw bytes, also when API Gateway base64-encodes them', async () => {
  const { webhook, queue } = setup();
  const body = Buffer.from(fixture('x/direct-message.json'));
  const result = await webhook(post(body, signXPayload(SECRET, body), true));
  assert.equal(result.statusCode, 200);
  assert.equal(queue.sent.length, 1);
});

test('a missing or wrong signature is 401 and nothing is enqueued or parked', async () => {
  const { webhook, queue, deadLetters } = setup();
  const body = fixture('x/mention.json');
  for (const signature of [
    undefined,
    '',
    'sha256=AAAA',
    signXPayload('another-secret', body),
    signXPayload(SECRET, `${body} `),
  ]) {
    const result = await webhook(post(body, signature));
    assert.equal(result.statusCode, 401, `signature ${signature}`);
  }
  assert.equal(queue.sent.length, 0);
  assert.equal(deadLetters.parked.length, 0);
});

test('a signed body that is not JSON is 400 and parked with its reason', async () => {
  const { webhook, queue, deadLetters } = setup();
  const body = '{"for_user_id": ';
  const result = await webhook(post(body, signXPayload(SECRET, body)));
  assert.equal(result.statusCode, 400);
  assert.equal(queue.sent.length, 0);
  assert.equal(deadLetters.parked[0]?.reason, 'signed body is not JSON');
});

test('a signed event that cannot be used is parked while the rest is enqueued', async () => {
  const { webhook, queue, deadLetters } = setup();
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.tweet_create_events.push({ text: 'no ids' });
  const body = JSON.stringify(payload);
  const result = await webhook(post(body, signXPayload(SECRET, body)));
  assert.equal(result.statusCode, 200);
  assert.equal(queue.sent.length, 1);
  assert.equal(deadLetters.parked.length, 1);
  assert.equal(JSON.parse(deadLetters.parked[0]!.body).text, 'no ids');
});

test('a parked event keeps long numeric ids digit for digit (not the rounded double JSON.parse makes)', async () => {
  const { webhook, deadLetters } = setup();
  const payload = fixture('x/mention.json').replace(
    '"tweet_create_events": [',
    '"tweet_create_events": [{"id": 1870000000000009001, "note": "\\"1870000000000009001\\" -5 1e21", "nested": {"n": -9007199254740993}},',
  );
  assert.notEqual(payload, fixture('x/mention.json'), 'the fixture has a tweet_create_events array');
  const result = await webhook(post(payload, signXPayload(SECRET, payload)));
  assert.equal(result.statusCode, 200);
  assert.equal(deadLetters.parked.length, 1);
  const parked = deadLetters.parked[0]!.body;
  assert.match(parked, /"id":1870000000000009001,/);
  assert.match(parked, /"n":-9007199254740993\}/);
  assert.equal(JSON.parse(parked).note, '"1870000000000009001" -5 1e21');
});

test('an oversized body is refused before it is read further', async () => {
  const { webhook, queue } = setup();
  const body = Buffer.alloc(1024 * 1024 + 1, 0x20);
  const result = await webhook(post(body, signXPayload(SECRET, body)));
  assert.equal(result.statusCode, 413);
  assert.equal(queue.sent.length, 0);
});

test('other methods are 405', async () => {
  const { webhook } = setup();
  assert.equal((await webhook(httpEvent({ method: 'PUT', path: '/webhooks/x' }))).statusCode, 405);
});
