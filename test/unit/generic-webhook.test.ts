import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  parseSignatureHeader,
  signGenericPayload,
  verifyGenericSignature,
} from '../../functions/channels/generic/signature';
import { createGenericWebhook } from '../../functions/channels/generic/webhook';
import { interactionSchema } from '../../functions/core/interaction';
import { RecordingDeadLetters, RecordingQueue } from '../fakes/in-memory';
import { demoDirectory, httpEvent } from '../helpers';

const NOW = new Date('2026-11-23T09:15:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const SECRETS: Record<string, string> = { yelp: 'yelp-secret', trustpilot: 'trustpilot-secret' };

function setup() {
  const queue = new RecordingQueue();
  const deadLetters = new RecordingDeadLetters();
  let now = NOW;
  const webhook = createGenericWebhook({
    sourceSecret: async (source) => SECRETS[source],
    directory: demoDirectory(),
    queue,
    deadLetters,
    now: () => now,
  });
  return { queue, deadLetters, webhook, setNow: (date: Date) => (now = date) };
}

const review = {
  source: 'yelp',
  brandId: 'demoair',
  id: '9CNz4nWU59PIZsiDV9sSVQ',
  url: 'https://www.yelp.com/biz/demoair-schiphol?hrid=9CNz4nWU59PIZsiDV9sSVQ',
  author: { id: 'vey7Vnlh-M0bLtpd1nB9Aw', name: 'Kim D.' },
  text: 'Lounge closed without notice and staff were rude.',
  time: '2026-11-23T08:59:00Z',
  rating: 1,
  lang: 'en',
};

function post(
  body: string,
  options: { source?: string; secret?: string; t?: number; signature?: string } = {},
) {
  const source = options.source ?? 'yelp';
  const signature =
    options.signature ??
    signGenericPayload(options.secret ?? SECRETS[source] ?? 'x', options.t ?? NOW_SECONDS, body);
  return httpEvent({
    method: 'POST',
    path: '/webhooks/generic',
    body,
    headers: { 'X-Socialcare-Source': source, 'X-Socialcare-Signature': signature },
  });
}

test('signature vector, hand-computed with openssl', () => {
  // printf '%s' '1764000000.{"source":"yelp","id":"r1"}' | openssl dgst -sha256 -hmac test -hex
  const body = '{"source":"yelp","id":"r1"}';
  const header = 't=1764000000,v1=5beb779d8e26984dee63879d1f53ee73d9ddd34d9cd4da9f7d7010b5d6984078';
  assert.equal(signGenericPayload('test', 1764000000, body), header);
  const at = new Date(1764000000 * 1000 + 30_000);
  assert.deepEqual(verifyGenericSignature('test', Buffer.from(body), header, at), {
    ok: true,
    timestamp: 1764000000,
    signature: '5beb779d8e26984dee63879d1f53ee73d9ddd34d9cd4da9f7d7010b5d6984078',
  });
  // A second v1 (a source rolling its secret over) is accepted when either matches.
  const rolled = `t=1764000000,v1=${'0'.repeat(64)},v1=${header.split('v1=')[1]!.toUpperCase()}`;
  assert.equal(verifyGenericSignature('test', Buffer.from(body), rolled, at).ok, true);
  assert.deepEqual(parseSignatureHeader('v1=zz, t=12'), { timestamp: 12, signatures: [] });
});

test('a signed review becomes a public review interaction for the brand', async () => {
  const { webhook, queue } = setup();
  const result = await webhook(post(JSON.stringify(review)));
  assert.equal(result.statusCode, 200);
  assert.deepEqual(JSON.parse(result.body!), { accepted: 1 });
  assert.deepEqual(queue.sent, [
    {
      schemaVersion: 1,
      platform: 'generic',
      visibility: 'public',
      kind: 'review',
      platformMessageId: 'yelp:9CNz4nWU59PIZsiDV9sSVQ',
      brandId: 'demoair',
      account: { id: 'yelp', role: 'care' },
      author: { id: 'yelp:vey7Vnlh-M0bLtpd1nB9Aw', name: 'Kim D.' },
      text: '[rating 1/5] Lounge closed without notice and staff were rude.',
      lang: 'en',
      createdAt: '2026-11-23T08:59:00.000Z',
      receivedAt: '2026-11-23T09:15:00.000Z',
      conversationId: 'generic:yelp:9CNz4nWU59PIZsiDV9sSVQ',
      url: review.url,
    },
  ]);
  assert.equal(interactionSchema.safeParse(queue.sent[0]).success, true);
});

test('an items array: mentions and replies, in time order; bad items parked and named', async () => {
  const { webhook, queue, deadLetters } = setup();
  const mention = {
    source: 'trustpilot',
    brandId: 'demoair',
    id: 'post-2',
    url: 'https://travel-forum.example/t/demoair/2',
    author: { id: 'u-7' },
    text: 'Anyone else stuck at AMS with DemoAir?',
    time: '2026-11-23T09:01:00+01:00',
    inReplyTo: 'post-1',
  };
  const body = JSON.stringify({
    items: [
      { ...review, source: 'trustpilot', id: 'r-1', time: '2026-11-23T09:05:00Z' },
      mention,
      { ...mention, id: 'post-3', url: 'ftp://nope' },
      { ...mention, id: 'post-4', brandId: 'otherair' },
      { ...mention, id: 'post-5', source: 'yelp' },
    ],
  });
  const result = await webhook(post(body, { source: 'trustpilot' }));
  assert.equal(result.statusCode, 200);
  const answer = JSON.parse(result.body!);
  assert.equal(answer.accepted, 2);
  assert.deepEqual(
    answer.rejected.map((r: { index: number }) => r.index),
    [2, 3, 4],
  );
  assert.match(answer.rejected[0].reason, /^url: /);
  assert.match(answer.rejected[1].reason, /brandId "otherair" is not a configured brand/);
  assert.match(answer.rejected[2].reason, /source "yelp" differs from the signing source "trustpilot"/);
  assert.equal(deadLetters.parked.length, 3);
  assert.deepEqual(
    queue.sent.map((i) => [i.platformMessageId, i.kind, i.createdAt, i.inReplyToId, i.conversationId]),
    [
      [
        'trustpilot:post-2',
        'mention',
        '2026-11-23T08:01:00.000Z',
        'trustpilot:post-1',
        'generic:trustpilot:post-1',
      ],
      ['trustpilot:r-1', 'review', '2026-11-23T09:05:00.000Z', undefined, 'generic:trustpilot:r-1'],
    ],
  );
});

test('a request with no usable item is 422, parked, nothing enqueued', async () => {
  const { webhook, queue, deadLetters } = setup();
  const result = await webhook(post(JSON.stringify({ ...review, rating: 6 })));
  assert.equal(result.statusCode, 422);
  assert.match(JSON.parse(result.body!).rejected[0].reason, /^rating: /);
  assert.equal(queue.sent.length, 0);
  assert.equal(deadLetters.parked.length, 1);
});

test('a wrong or missing signature, or an unknown source, is 401 and nothing is kept', async () => {
  const { webhook, queue, deadLetters } = setup();
  const body = JSON.stringify(review);
  const cases: Array<[Parameters<typeof post>[1], RegExp]> = [
    [{ secret: 'guess' }, /signature does not match/],
    [{ secret: SECRETS.trustpilot }, /signature does not match/],
    [{ signature: '' }, /signature header missing/],
    [{ signature: 'sha256=abc' }, /not t=<unix seconds>,v1=<hex>/],
    [{ source: 'blog', secret: 'anything' }, /unknown source/],
    [{ source: '../yelp', secret: SECRETS.yelp }, /unknown source/],
  ];
  for (const [options, reason] of cases) {
    const result = await webhook(post(body, options));
    assert.equal(result.statusCode, 401, JSON.stringify(options));
    assert.match(JSON.parse(result.body!).error, reason);
  }
  const noSource = httpEvent({
    method: 'POST',
    path: '/webhooks/generic',
    body,
    headers: { 'X-Socialcare-Signature': signGenericPayload(SECRETS.yelp!, NOW_SECONDS, body) },
  });
  assert.equal((await webhook(noSource)).statusCode, 401);
  assert.equal(queue.sent.length + deadLetters.parked.length, 0);
});

test('a stale or future timestamp is 401: an old request replayed is refused', async () => {
  const { webhook, queue } = setup();
  const body = JSON.stringify(review);
  const stale = await webhook(post(body, { t: NOW_SECONDS - 301 }));
  assert.equal(stale.statusCode, 401);
  assert.match(JSON.parse(stale.body!).error, /too old/);
  const future = await webhook(post(body, { t: NOW_SECONDS + 61 }));
  assert.equal(future.statusCode, 401);
  assert.match(JSON.parse(future.body!).error, /in the future/);
  // At the edges of the window it is still fresh.
  assert.equal((await webhook(post(body, { t: NOW_SECONDS - 300 }))).statusCode, 200);
  assert.equal(
    (await webhook(post(JSON.stringify({ ...review, id: 'r2' }), { t: NOW_SECONDS + 60 }))).statusCode,
    200,
  );
  assert.equal(queue.sent.length, 2);
});

test('the same signed request replayed is refused: 409 within the window, 401 after it', async () => {
  const { webhook, queue, setNow } = setup();
  const body = JSON.stringify(review);
  const signature = signGenericPayload(SECRETS.yelp!, NOW_SECONDS, body);
  assert.equal((await webhook(post(body, { signature }))).statusCode, 200);
  setNow(new Date(NOW.getTime() + 60_000));
  const again = await webhook(post(body, { signature }));
  assert.equal(again.statusCode, 409);
  setNow(new Date(NOW.getTime() + 10 * 60_000));
  assert.equal((await webhook(post(body, { signature }))).statusCode, 401);
  assert.equal(queue.sent.length, 1);
  // Signed afresh, the same item goes through; the case store's dedupe keeps it to one case.
  assert.equal((await webhook(post(body, { t: NOW_SECONDS + 600 }))).statusCode, 200);
});

test('a signed body that is not JSON, or not an object, is 400 and parked; GET is 405', async () => {
  const { webhook, deadLetters } = setup();
  assert.equal((await webhook(post('{"source":'))).statusCode, 400);
  assert.equal((await webhook(post('[1,2]'))).statusCode, 400);
  assert.equal((await webhook(post('{"items":{}}'))).statusCode, 400);
  assert.equal(deadLetters.parked.length, 3);
  assert.equal((await webhook(httpEvent({ method: 'GET', path: '/webhooks/generic' }))).statusCode, 405);
});
