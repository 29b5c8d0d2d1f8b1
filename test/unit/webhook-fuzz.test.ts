import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { MalformedPayloadError, normalizeXActivity } from '../../functions/channels/x/normalize';
import { signXPayload } from '../../functions/channels/x/signature';
import { MAX_WEBHOOK_BODY_BYTES } from '../../functions/commons/http';
import { accountEventSchema, interactionSchema } from '../../functions/core/interaction';
import { demoDirectory, fixture, httpEvent, xWebhookUnderTest } from '../helpers';

// A bounded, repeatable fuzz of the X webhook and its normalizer: the seed fixes every input, so a
// failure names the seed and case that reproduce it. Each case runs a fixed number of inputs.
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const SECRET = 'fuzz-consumer-secret';

/** mulberry32: small, fast, good enough to spread inputs. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  const text = (length: number) =>
    Array.from({ length }, () =>
      pick([
        'a',
        'Z',
        ' ',
        '"',
        '\\',
        '{',
        '}',
        '[',
        ']',
        ',',
        ':',
        '\n',
        'é',
        '😀',
        '\u0000',
        '\uFFFF',
        '\uD800',
      ]),
    ).join('');
  return { next, int, pick, bytes, text };
}

type Rng = ReturnType<typeof prng>;

/** A value of a random JSON type, small unless `deep` asks for more. */
function randomValue(rng: Rng, depth = 0): unknown {
  const kinds = depth > 3 ? 6 : 8;
  switch (rng.int(kinds)) {
    case 0:
      return null;
    case 1:
      return rng.pick([true, false]);
    case 2:
      return rng.pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 61]);
    case 3:
      return rng.text(rng.int(20));
    case 4:
      return rng.pick(['', ' ', '4000001', '4000002', '3001969357', 'message_create', 'NaN', '1e999']);
    case 5:
      return rng.text(rng.int(3));
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(4) }, () => [rng.text(rng.int(8)), randomValue(rng, depth + 1)]),
      );
  }
}

/** Every path to a value in a JSON tree. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, i]));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

function setAt(root: unknown, path: Array<string | number>, replace: (old: unknown) => unknown | undefined) {
  if (!path.length) return replace(root);
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  const value = replace(parent[last]);
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
  return root;
}

const setup = () => xWebhookUnderTest(SECRET);

/** An official payload shape with one to three fields removed, retyped or replaced, or an event kind added. */
function mutatedFixture(rng: ReturnType<typeof prng>): Record<string, unknown> {
  const payload = JSON.parse(fixture(rng.pick(FIXTURES))) as Record<string, unknown>;
  const mutations = 1 + rng.int(3);
  for (let m = 0; m < mutations; m++) {
    const paths = pathsOf(payload).filter((p) => p.length > 0);
    const path = rng.pick(paths);
    const action = rng.int(4);
    if (action === 0)
      setAt(payload, path, () => undefined); // missing field
    else if (action === 1)
      setAt(payload, path, () => randomValue(rng)); // wrong type
    else if (action === 2)
      payload[rng.pick(['favorite_events', 'follow_events', 'tweet_delete_events', rng.text(6)])] =
        randomValue(rng);
    else setAt(payload, path, (old) => (typeof old === 'string' ? rng.text(rng.int(40)) : randomValue(rng)));
  }
  return payload;
}

const post = (body: Buffer, signature?: string) =>
  httpEvent({
    method: 'POST',
    path: '/webhooks/x',
    body,
    base64: true,
    headers: signature === undefined ? {} : { 'x-twitter-webhooks-signature': signature },
  });

/** The handler must answer, never throw; what it enqueues must be what triage accepts. */
async function deliver(setupResult: ReturnType<typeof setup>, body: Buffer, signature?: string) {
  const before = setupResult.queue.sent.length;
  let result: Awaited<ReturnType<ReturnType<typeof setup>['webhook']>>;
  try {
    result = await setupResult.webhook(post(body, signature));
  } catch (error) {
    assert.fail(`the handler threw ${(error as Error).name}: ${(error as Error).message} (seed ${SEED})`);
  }
  for (const interaction of setupResult.queue.sent.slice(before)) {
    const parsed = interactionSchema.safeParse(interaction);
    assert.ok(parsed.success, `an invalid interaction was enqueued: ${JSON.stringify(parsed.error?.issues)}`);
  }
  return result;
}

const FIXTURES = ['x/mention.json', 'x/direct-message.json', 'x/longform-reply.json'];

test('unsigned, wrongly signed and replayed-signature requests are 401 with nothing enqueued or parked', async () => {
  const rng = prng(SEED);
  const s = setup();
  const signedBodies = FIXTURES.map((f) => Buffer.from(fixture(f)));
  for (let i = 0; i < 300; i++) {
    const body = rng.pick([
      () => rng.bytes(rng.int(200)),
      () => Buffer.from(JSON.stringify(randomValue(rng))),
      () => Buffer.from(fixture(rng.pick(FIXTURES)).replace('4000001', String(rng.int(1e7)))),
      () => Buffer.concat([rng.pick(signedBodies), Buffer.from(rng.pick([' ', '\n', '{}', '\u0000']))]),
    ])();
    const other = rng.pick(signedBodies);
    const good = signXPayload(SECRET, body);
    const signature = rng.pick([
      undefined,
      '',
      'sha256=',
      'sha256=nope',
      signXPayload(SECRET, other), // a signature captured from another delivery
      signXPayload('wrong-secret', body),
      good.replace('sha256=', 'sha1='),
      good.slice(0, -2),
      `${good}A`,
      good.replace('sha256=', 'SHA256='),
      `sha256=${Buffer.from(good.slice(7), 'base64').toString('hex')}`,
      good.toLowerCase() === good ? `${good}x` : good.toLowerCase(),
      rng.text(rng.int(60)),
    ]);
    if (signature === good || (other.equals(body) && signature === signXPayload(SECRET, other))) continue;
    const result = await deliver(s, body, signature);
    assert.equal(result.statusCode, 401, `case ${i}: signature ${JSON.stringify(signature)}`);
  }
  assert.equal(s.queue.sent.length, 0);
  assert.equal(s.deadLetters.parked.length, 0);
});

test('bodies over the limit are 413 before anything else, signed or not', async () => {
  const s = setup();
  for (const extra of [1, 1000, 3 * 1024 * 1024]) {
    const body = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + extra, 0x20);
    assert.equal((await deliver(s, body)).statusCode, 413);
    assert.equal((await deliver(s, body, signXPayload(SECRET, body))).statusCode, 413);
  }
  assert.equal(s.queue.sent.length, 0);
  assert.equal(s.deadLetters.parked.length, 0);
});

test('signed bodies that are not JSON, or not a JSON object, are 400 and parked, never enqueued', async () => {
  const rng = prng(SEED + 1);
  const s = setup();
  const mention = fixture('x/mention.json');
  const bodies: Buffer[] = [
    Buffer.alloc(0),
    Buffer.from('null'),
    Buffer.from('[]'),
    Buffer.from('"for_user_id"'),
    Buffer.from('12'),
    Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe]),
  ];
  for (let i = 0; i < 150; i++) {
    bodies.push(
      rng.pick([
        () => Buffer.from(mention.slice(0, rng.int(mention.length - 1))), // truncated
        () => rng.bytes(1 + rng.int(300)),
        () => Buffer.from(`${mention}${rng.pick([',', '}', ']', 'x'])}`),
        () => Buffer.from(rng.text(1 + rng.int(50))),
      ])(),
    );
  }
  let checked = 0;
  for (const body of bodies) {
    let isObject = false;
    try {
      const value = JSON.parse(body.toString('utf8')) as unknown;
      isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    } catch {
      // not JSON
    }
    if (isObject) continue;
    const parkedBefore = s.deadLetters.parked.length;
    const result = await deliver(s, body, signXPayload(SECRET, body));
    assert.equal(result.statusCode, 400, `body ${JSON.stringify(body.toString('utf8').slice(0, 80))}`);
    assert.equal(s.deadLetters.parked.length, parkedBefore + 1, 'a signed but unusable body is parked');
    checked++;
  }
  assert.ok(checked > 100);
  assert.equal(s.queue.sent.length, 0);
});

test('signed payloads with wrong types, missing fields or unknown event kinds never crash the handler', async () => {
  const rng = prng(SEED + 2);
  const s = setup();
  const counts: Record<number, number> = {};
  for (let i = 0; i < 1500; i++) {
    const payload = mutatedFixture(rng);
    const body = Buffer.from(JSON.stringify(payload) ?? 'null');
    const result = await deliver(s, body, signXPayload(SECRET, body));
    const status = result.statusCode as number;
    counts[status] = (counts[status] ?? 0) + 1;
    assert.ok([200, 400].includes(status), `case ${i}: status ${status}`);
  }
  // The mutations leave many payloads usable: the fuzz reaches past the first checks.
  assert.ok((counts[200] ?? 0) > 500, JSON.stringify(counts));
  assert.ok(s.queue.sent.length > 100);
  for (const interaction of s.queue.sent) {
    const parsed = interactionSchema.safeParse(interaction);
    assert.ok(parsed.success, `enqueued an invalid interaction: ${JSON.stringify(parsed.error?.issues)}`);
  }
});

test('deep nesting and large bodies under the limit are answered, not crashed on', async () => {
  const s = setup();
  const depth = 50_000;
  const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const bodies = [
    nested,
    deepObject,
    `{"for_user_id":"4000001","tweet_create_events":[${nested}]}`,
    `{"for_user_id":"4000001","tweet_create_events":[${deepObject}]}`,
    `{"for_user_id":"4000001","direct_message_events":[${deepObject}],"users":${deepObject}}`,
    `{"for_user_id":"4000001","favorite_events":${nested}}`,
    `{"for_user_id":"999","tweet_create_events":[${deepObject}]}`,
  ];
  const big = JSON.parse(fixture('x/mention.json')) as {
    tweet_create_events: Array<Record<string, unknown>>;
  };
  (big.tweet_create_events[0] as Record<string, unknown>).text = 'x'.repeat(MAX_WEBHOOK_BODY_BYTES - 5000);
  bodies.push(JSON.stringify(big));
  const many = JSON.parse(fixture('x/mention.json')) as { tweet_create_events: unknown[] };
  const tweet = many.tweet_create_events[0] as Record<string, unknown>;
  many.tweet_create_events = Array.from({ length: 500 }, (_, i) => ({ ...tweet, id_str: String(1e15 + i) }));
  bodies.push(JSON.stringify(many));
  for (const text of bodies) {
    const body = Buffer.from(text);
    assert.ok(body.length <= MAX_WEBHOOK_BODY_BYTES);
    const result = await deliver(s, body, signXPayload(SECRET, body));
    assert.ok([200, 400].includes(result.statusCode as number), `status ${result.statusCode}`);
  }
  assert.equal(s.queue.sent.filter((i) => i.text.length > 1000).length, 1);
  assert.ok(s.queue.sent.length >= 501);
});

test('normalizeXActivity throws nothing but MalformedPayloadError, and emits only valid interactions', () => {
  const rng = prng(SEED + 3);
  const directory = demoDirectory();
  let emitted = 0;
  for (let i = 0; i < 3000; i++) {
    const shape = rng.int(4);
    const payload =
      shape === 0
        ? randomValue(rng)
        : shape === 3
          ? mutatedFixture(rng)
          : {
              for_user_id: rng.pick(['4000001', '4000002', '5000001', rng.text(3), 4000001, null]),
              [rng.pick(['tweet_create_events', 'direct_message_events', 'users', 'apps'])]: rng.pick([
                () => Array.from({ length: rng.int(4) }, () => randomValue(rng)),
                () => randomValue(rng),
                () => [
                  {
                    id_str: rng.pick(['1', '', 1, null]),
                    user: rng.pick([{ id_str: rng.pick(['2', '4000001', 2]) }, null, []]),
                    type: rng.pick(['message_create', 'x']),
                    id: rng.pick(['3', 3]),
                    message_create: randomValue(rng),
                    text: randomValue(rng),
                    timestamp_ms: randomValue(rng),
                    created_at: randomValue(rng),
                  },
                ],
              ])(),
            };
    let result: ReturnType<typeof normalizeXActivity> | undefined;
    try {
      result = normalizeXActivity(payload, directory, '2026-11-23T09:15:00.000Z');
    } catch (error) {
      assert.ok(
        error instanceof MalformedPayloadError,
        `case ${i}: threw ${(error as Error).name}: ${(error as Error).message}`,
      );
    }
    for (const interaction of result?.interactions ?? []) {
      emitted++;
      const parsed = interactionSchema.safeParse(interaction);
      assert.ok(parsed.success, `case ${i}: ${JSON.stringify(parsed.error?.issues)}`);
    }
  }
  // Mutated official shapes keep many events usable: the validity check has something to check.
  assert.ok(emitted > 300, `only ${emitted} interactions emitted`);
});

const XAA_FIXTURES = [
  'x/xaa-post.mention.create.json',
  'x/xaa-post.reply.create.json',
  'x/xaa-post.quote.create.json',
  'x/xaa-dm.received.json',
  'x/xaa-dm.sent.json',
  'x/xaa-chat.received.json',
  'x/xaa-oauth.revoke.json',
  'x/xaa-like.create.json',
];
const XAA_EVENT_TYPES = [
  'post.mention.create',
  'post.reply.create',
  'post.quote.create',
  'dm.received',
  'dm.sent',
  'chat.received',
  'chat.sent',
  'oauth.revoke',
  'like.create',
  'post.create',
];

/** An official XAA shape with one to three fields removed, retyped or replaced, or its event type swapped. */
function mutatedXaa(rng: Rng): Record<string, unknown> {
  const payload = JSON.parse(fixture(rng.pick(XAA_FIXTURES))) as { data: Record<string, unknown> };
  const mutations = 1 + rng.int(3);
  for (let m = 0; m < mutations; m++) {
    const action = rng.int(5);
    if (action === 0) payload.data.event_type = rng.pick([...XAA_EVENT_TYPES, rng.text(5), 7, null]);
    else if (action === 1)
      payload.data.filter = rng.pick([
        {},
        { user_id: rng.pick(['4000001', '4000002', '9', 4000001]) },
        null,
        [],
      ]);
    else {
      const path = rng.pick(pathsOf(payload).filter((p) => p.length > 1));
      if (action === 2) setAt(payload, path, () => undefined);
      else if (action === 3) setAt(payload, path, () => randomValue(rng));
      else
        setAt(payload, path, (old) => (typeof old === 'string' ? rng.text(rng.int(40)) : randomValue(rng)));
    }
  }
  return payload;
}

test('XAA: mutated official event shapes never crash the normalizer; it emits only valid interactions and account events', () => {
  const rng = prng(SEED + 4);
  const directory = demoDirectory();
  let emitted = 0;
  let events = 0;
  for (let i = 0; i < 3000; i++) {
    const payload = rng.int(10) === 0 ? { data: randomValue(rng) } : mutatedXaa(rng);
    let result: ReturnType<typeof normalizeXActivity> | undefined;
    try {
      result = normalizeXActivity(payload, directory, '2026-11-23T09:15:00.000Z');
    } catch (error) {
      assert.ok(
        error instanceof MalformedPayloadError,
        `case ${i}: threw ${(error as Error).name}: ${(error as Error).message}`,
      );
    }
    for (const interaction of result?.interactions ?? []) {
      emitted++;
      const parsed = interactionSchema.safeParse(interaction);
      assert.ok(parsed.success, `case ${i}: ${JSON.stringify(parsed.error?.issues)}`);
    }
    for (const event of result?.accountEvents ?? []) {
      events++;
      const parsed = accountEventSchema.safeParse(event);
      assert.ok(parsed.success, `case ${i}: ${JSON.stringify(parsed.error?.issues)}`);
    }
  }
  assert.ok(emitted > 500, `only ${emitted} interactions emitted`);
  assert.ok(events > 50, `only ${events} account events emitted`);
});

test('XAA: signed mutated events through the webhook are answered 200 or 400, never thrown on', async () => {
  const rng = prng(SEED + 5);
  const s = setup();
  const counts: Record<number, number> = {};
  for (let i = 0; i < 1000; i++) {
    const body = Buffer.from(JSON.stringify(mutatedXaa(rng)));
    const status = (await deliver(s, body, signXPayload(SECRET, body))).statusCode as number;
    counts[status] = (counts[status] ?? 0) + 1;
    assert.ok([200, 400].includes(status), `case ${i}: status ${status}`);
  }
  assert.ok((counts[200] ?? 0) > 800, JSON.stringify(counts));
  assert.ok(s.queue.sent.length > 300);
  // Mutated oauth.revoke events reach the queue as account events, each in the queue's schema.
  assert.ok(s.queue.events.length > 0, 'no account event reached the queue');
  for (const event of s.queue.events) assert.ok(accountEventSchema.safeParse(event).success);
});
