import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { DynamoOutboxStore } from '../../functions/adapters/aws/dynamo-outbox-store';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, postX, queueDepth, waitFor, X_SECRET } from './support';

let system: LocalSystem;
beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
  });
});
afterAll(() => system?.stop());

/** The official mention shape, addressed to one of our accounts, with its own id, author and text. */
function mention(options: { id: string; to: string; author: string; text: string }): string {
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.for_user_id = options.to;
  const tweet = payload.tweet_create_events[0];
  Object.assign(tweet, { id_str: options.id, text: options.text, timestamp_ms: String(Date.now()) });
  tweet.user.id_str = options.author;
  tweet.user.screen_name = `customer${options.author}`;
  return JSON.stringify(payload);
}

const caseOf = async (caseId: string) => {
  const { status, body } = await api(system.url, `/api/cases/${caseId}`);
  return status === 200
    ? (body as { case: Record<string, unknown>; messages: Array<Record<string, unknown>> })
    : undefined;
};

test('a fare question to the bot is answered once, in thread, by the bot account, and the case is auto-answered', async () => {
  const body = mention({
    id: '1900000000000000001',
    to: '4000002',
    author: '9001',
    text: '@DemoAirFares how much is a return AMS to JFK',
  });
  assert.equal((await postX(system.url, body)).status, 200);
  const sent = await waitFor('the reply at the X stand-in', async () => {
    const found = system.standIn.sent.filter((s) => s.inReplyToId === '1900000000000000001');
    return found.length ? found : undefined;
  });
  // The platform redelivers the webhook: still one reply.
  assert.equal((await postX(system.url, body)).status, 200);
  await system.drained();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(system.standIn.sent.filter((s) => s.inReplyToId === '1900000000000000001').length, 1);
  assert.equal(sent[0]?.accountId, '4000002', "sent with the bot's own credentials");
  assert.match(sent[0]!.text, /Amsterdam \(AMS\) – New York \(JFK\): from EUR 489/);
  assert.match(sent[0]!.text, /https:\/\/www\.demoair\.example\/book/);
  assert.match(sent[0]!.text, /fares checked/);

  const found = await waitFor('the resolved case', async () => {
    const c = await caseOf('x-1900000000000000001');
    return c?.case.status === 'resolved' ? c : undefined;
  });
  assert.equal(found.case.resolvedBy, 'bot');
  assert.equal(found.case.intent, 'fare');
  assert.equal(found.case.action, 'auto_reply');
  assert.deepEqual(
    found.messages.map((m) => [m.direction, m.sentBy ?? null]),
    [
      ['in', null],
      ['out', 'bot'],
    ],
  );
  // Resolved cases leave the agent queue.
  const queue = (await api(system.url, '/api/cases')).body.cases as Array<{ caseId: string }>;
  assert.ok(!queue.some((c) => c.caseId === 'x-1900000000000000001'));
});

test('a complaint to the bot gets a polite hand-off naming the care account and stays with the agents', async () => {
  const body = mention({
    id: '1900000000000000002',
    to: '4000002',
    author: '9002',
    text: '@DemoAirFares why is AMS-JFK so expensive?! ridiculous',
  });
  await postX(system.url, body);
  const [handOff] = await waitFor('the hand-off', async () => {
    const found = system.standIn.sent.filter((s) => s.inReplyToId === '1900000000000000002');
    return found.length ? found : undefined;
  });
  assert.match(handOff!.text, /@DemoAir will help/);
  const found = await waitFor('the case', async () => {
    const c = await caseOf('x-1900000000000000002');
    return c && c.messages.length === 2 ? c : undefined;
  });
  assert.equal(found.case.status, 'open');
  assert.equal(found.case.action, 'agent');
  assert.ok(found.case.botDeclined);
});

test('the same question to the staffed care account is not answered automatically; the agent gets the suggestion', async () => {
  const body = mention({
    id: '1900000000000000003',
    to: '4000001',
    author: '9003',
    text: '@DemoAir what is the cheapest return from Amsterdam to London?',
  });
  await postX(system.url, body);
  const found = await waitFor('the case', () => caseOf('x-1900000000000000003'));
  await system.drained();
  assert.equal(system.standIn.sent.filter((s) => s.inReplyToId === '1900000000000000003').length, 0);
  assert.equal(found.case.status, 'open');
  assert.match(String(found.case.suggestedReply), /EUR 119/);
});

test('a DM to the bot is answered by DM', async () => {
  const payload = JSON.parse(fixture('x/direct-message.json'));
  payload.for_user_id = '4000002';
  const event = payload.direct_message_events[0];
  event.id = '1900000000000000004';
  event.created_timestamp = String(Date.now());
  event.message_create.target.recipient_id = '4000002';
  event.message_create.sender_id = '9004';
  event.message_create.message_data.text = 'is the lounge at schiphol open on christmas day';
  payload.users['9004'] = { id: '9004', screen_name: 'customer9004', name: 'C' };
  await postX(system.url, JSON.stringify(payload));
  const [dm] = await waitFor('the DM', async () => {
    const found = system.standIn.sent.filter((s) => s.kind === 'dm' && s.recipientId === '9004');
    return found.length ? found : undefined;
  });
  assert.equal(dm?.accountId, '4000002');
  assert.match(dm!.text, /closed on Christmas Day/);
});

test('socialcare report shows response rate and response times per brand and channel', async () => {
  const { runReportCommand } = await import('../../functions/cli/report-command');
  const { PassThrough } = await import('node:stream');
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => {
    text += String(chunk);
  });
  await runReportCommand({ url: system.url, token: API_TOKEN, output, json: true });
  const report = JSON.parse(text) as { rows: Array<Record<string, unknown>> };
  const xPublic = report.rows.find((r) => r.channel === 'x public')!;
  assert.equal(xPublic.brandId, 'demoair');
  assert.equal(xPublic.cases, 3);
  assert.equal(xPublic.autoAnswered, 1);
  assert.equal(xPublic.answered, 1, 'a hand-off is not an answer');
  // A measured time, not a bound on it: under load the bot's answer may take longer than a minute.
  const p50 = (xPublic.firstResponseSeconds as { p50: number }).p50;
  assert.equal(Number.isFinite(p50) && p50 >= 0, true, `p50 ${p50}`);
  text = '';
  await runReportCommand({ url: system.url, token: API_TOKEN, output });
  assert.match(text, /brand\s+channel\s+cases\s+answered\s+rate/);
  assert.match(text, /demoair\s+x public\s+3\s+1\s+33%/);
});

test('the bot answers one customer at most three times an hour (DynamoDB counter); each answered case frees the slot for the next', async () => {
  const ask = async (n: number) => {
    const id = `190000000000000010${n}`;
    await postX(
      system.url,
      mention({ id, to: '4000002', author: '9010', text: '@DemoAirFares how much is a return AMS to JFK' }),
    );
    return waitFor(`case ${n}`, async () => {
      const c = await caseOf(`x-${id}`);
      return c && (c.case.status === 'resolved' || c.case.botDeclined) ? c : undefined;
    });
  };
  for (const n of [1, 2, 3]) assert.equal((await ask(n)).case.resolvedBy, 'bot', `question ${n} answered`);
  const fourth = await ask(4);
  assert.equal(fourth.case.botDeclined, 'rate_limited');
  assert.equal(fourth.case.status, 'open', 'left to the agents');
  await system.drained();
  const answered = system.standIn.sent.filter(
    (s) => s.accountId === '4000002' && /^19000000000000001\d\d$/.test(s.inReplyToId ?? ''),
  );
  assert.equal(answered.length, 3);
  const detail = await api(system.url, '/api/cases/x-1900000000000000104');
  assert.equal((detail.body.customer as { caseCount: number }).caseCount, 4, 'a new case each time');
});

test('a 429 from X is waited out until the reset X names, then the answer goes once', async () => {
  const resetAt = Math.ceil(Date.now() / 1000) + 2;
  system.standIn.failNext(429, 1, resetAt);
  await postX(
    system.url,
    mention({
      id: '1900000000000000201',
      to: '4000002',
      author: '9020',
      text: '@DemoAirFares how much is a return AMS to JFK',
    }),
  );
  const [sent] = await waitFor(
    'the reply after the reset',
    async () => {
      const found = system.standIn.sent.filter((s) => s.inReplyToId === '1900000000000000201');
      return found.length ? found : undefined;
    },
    20_000,
  );
  assert.ok(
    Date.parse(sent!.at) >= (resetAt - 1) * 1000,
    'not before the reset (SQS delays in whole seconds)',
  );
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(system.standIn.sent.filter((s) => s.inReplyToId === '1900000000000000201').length, 1);
});

test('an X outage of many 429s and 503s is waited out: the answer goes once, nothing reaches the dead-letter queue', async () => {
  // Eight refusals: with each deferral counted as a failed receive, the fifth moved it to the DLQ.
  system.standIn.failNext(429, 6);
  system.standIn.failNext(429, 2, { message: 'over capacity' });
  const id = '1900000000000000301';
  assert.equal(
    (
      await postX(
        system.url,
        mention({ id, to: '4000002', author: '9030', text: '@DemoAirFares how much is a return AMS to JFK' }),
      )
    ).status,
    200,
  );
  await waitFor(
    'the reply after the outage',
    async () => system.standIn.sent.some((s) => s.inReplyToId === id) || undefined,
    90_000,
  );
  await system.drained();
  assert.equal(system.standIn.sent.filter((s) => s.inReplyToId === id).length, 1);
  assert.equal(await queueDepth(system.queues.client, system.queues.deadLetterQueueUrl), 0);
  const shown = await caseOf(`x-${id}`);
  assert.equal((shown?.case.replyDelivery as { status?: string } | undefined)?.status, 'sent');
});

test('an outbox entry left pending (its queue send failed after the case was saved) is found and sent by the sweeper', async () => {
  const id = '1900000000000000401';
  await postX(
    system.url,
    mention({ id, to: '4000001', author: '9040', text: '@DemoAir my suitcase never arrived' }),
  );
  const caseId = `x-${id}`;
  await waitFor('the case', () => caseOf(caseId));
  const outbox = new DynamoOutboxStore(system.dynamo.client, system.dynamo.tableName);
  const outboxId = `agent_reply:${caseId}:sweep-test`;
  await outbox.createOutbox({
    outboxId,
    caseId,
    brandId: 'demoair',
    platform: 'x',
    account: { id: '4000001', role: 'care' },
    delivery: 'public_reply',
    inReplyToId: id,
    text: 'We are tracing your suitcase now.',
    reason: 'agent_reply',
    author: 'carol',
    createdAt: new Date().toISOString(),
    status: 'pending',
    attempts: 0,
  });
  // Within its grace period the entry is left alone (its queue message may still be on the way).
  assert.deepEqual(await system.sweepOutbox(), []);
  assert.deepEqual(await system.sweepOutbox(new Date(Date.now() + 3 * 60_000)), [outboxId]);
  await waitFor(
    'the swept reply at the stand-in',
    async () =>
      system.standIn.sent.some((s) => s.text.startsWith('We are tracing your suitcase')) || undefined,
  );
  // The stand-in has it a moment before the sender records it as sent.
  await waitFor('the entry marked sent', async () => (await outbox.getOutbox(outboxId))?.status === 'sent');
  assert.deepEqual(
    await system.sweepOutbox(new Date(Date.now() + 3600_000)),
    [],
    'a sent entry is not swept',
  );
});
