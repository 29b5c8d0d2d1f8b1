import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { MetaSender } from '../../functions/channels/meta/meta-sender';
import {
  type OutboundMessage,
  PermanentSendError,
  RetryLaterError,
  UncertainSendError,
} from '../../functions/core/outbox';
import {
  localMetaToken,
  type PlatformStandIn,
  startPlatformStandIn,
} from '../../functions/local-runtime/platform-stand-in';

const NOW = new Date('2026-11-23T09:15:00Z');
const INSTAGRAM_ID = '17841400000000001';

let standIn: PlatformStandIn;
beforeAll(async () => {
  standIn = await startPlatformStandIn();
});
afterAll(() => standIn.stop());

function sender(
  lastCustomerMessageAt?: string,
  tokenFor = async (id: string, platform: 'facebook' | 'instagram') => localMetaToken(id, platform),
) {
  standIn.sent.length = 0;
  return new MetaSender({
    tokenFor,
    lastCustomerMessageAt: async () => lastCustomerMessageAt,
    apiBaseUrl: standIn.url,
    now: () => NOW,
  });
}

const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  outboxId: 'agent_reply:facebook:700000000000001_800000000000001',
  caseId: 'facebook-1',
  brandId: 'demoair',
  platform: 'facebook',
  account: { id: '5000001', role: 'care' },
  delivery: 'public_reply',
  inReplyToId: '700000000000001_800000000000001',
  text: 'Sorry about your bag, Sam. We are tracing AMS12345 now.',
  reason: 'agent_reply',
  author: 'agent-ines',
  createdAt: '2026-11-23T09:14:00.000Z',
  ...overrides,
});

const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

test('a Facebook comment reply goes in the comment thread as the page', async () => {
  const result = await sender().send(message());
  assert.equal(standIn.sent.length, 1);
  const [posted] = standIn.sent;
  assert.deepEqual(
    { ...posted, id: undefined, at: undefined },
    {
      platform: 'facebook',
      kind: 'comment_reply',
      id: undefined,
      accountId: '5000001',
      text: 'Sorry about your bag, Sam. We are tracing AMS12345 now.',
      inReplyToId: '700000000000001_800000000000001',
      at: undefined,
    },
  );
  assert.equal(result.platformMessageId, posted?.id);
});

test('an Instagram comment reply uses /replies', async () => {
  await sender().send(
    message({
      platform: 'instagram',
      account: { id: INSTAGRAM_ID, role: 'care' },
      inReplyToId: '17900000000000001',
    }),
  );
  assert.deepEqual(
    standIn.sent.map((s) => [s.platform, s.kind, s.accountId, s.inReplyToId]),
    [['instagram', 'comment_reply', INSTAGRAM_ID, '17900000000000001']],
  );
});

test('a private reply answers a public comment in Messenger, window or not', async () => {
  const result = await sender(hoursAgo(72)).send(message({ delivery: 'direct_message', author: 'bot' }));
  assert.deepEqual(
    standIn.sent.map((s) => [s.kind, s.inReplyToId, s.recipientId, s.messagingType]),
    [['private_reply', '700000000000001_800000000000001', undefined, undefined]],
  );
  assert.match(result.platformMessageId, /^m_/);
  // The commenter's id is no Messenger recipient: the comment names the person.
  await sender(hoursAgo(1)).send(message({ delivery: 'direct_message', recipientId: '6100000000000001' }));
  assert.deepEqual(
    standIn.sent.map((s) => [s.kind, s.inReplyToId, s.recipientId]),
    [['private_reply', '700000000000001_800000000000001', undefined]],
  );
});

const dm = (overrides: Partial<OutboundMessage> = {}) =>
  message({
    delivery: 'direct_message',
    inReplyToId: undefined,
    recipientId: '7100000000000001',
    ...overrides,
  });

test('a message inside the 24-hour window is a RESPONSE, from the bot too', async () => {
  await sender(hoursAgo(23.9)).send(dm({ author: 'bot', reason: 'faq_answer' }));
  assert.deepEqual(
    standIn.sent.map((s) => [s.kind, s.recipientId, s.messagingType, s.tag]),
    [['message', '7100000000000001', 'RESPONSE', undefined]],
  );
});

test('outside the window an agent replies with the HUMAN_AGENT tag', async () => {
  await sender(hoursAgo(30)).send(dm());
  assert.deepEqual(
    standIn.sent.map((s) => [s.kind, s.messagingType, s.tag]),
    [['message', 'MESSAGE_TAG', 'HUMAN_AGENT']],
  );
  // Instagram Direct the same way, from the linked page's node.
  await sender(hoursAgo(30)).send(dm({ platform: 'instagram', account: { id: INSTAGRAM_ID, role: 'care' } }));
  assert.deepEqual(
    standIn.sent.map((s) => [s.platform, s.accountId, s.messagingType, s.tag]),
    [['instagram', INSTAGRAM_ID, 'MESSAGE_TAG', 'HUMAN_AGENT']],
  );
});

test('outside the window a bot or system message is refused, and nothing is sent', async () => {
  for (const author of ['bot', 'system']) {
    await assert.rejects(sender(hoursAgo(25)).send(dm({ author })), (error: Error) => {
      assert.ok(error instanceof PermanentSendError);
      assert.match(error.message, /outside the 24-hour messaging window/);
      assert.match(error.message, new RegExp(`a ${author} message may not be sent`));
      return true;
    });
  }
  // With no customer message on record the window cannot be shown to be open.
  await assert.rejects(sender(undefined).send(dm({ author: 'bot' })), PermanentSendError);
  // And after 7 days not even an agent may write.
  await assert.rejects(sender(hoursAgo(24 * 8)).send(dm()), /more than 7 days/);
  assert.equal(standIn.sent.length, 0);
});

test('an expired or revoked page token (code 190) is reported as such, never retried', async () => {
  const send = sender(hoursAgo(1));
  standIn.failNext(400, 1, {
    graphCode: 190,
    graphSubcode: 463,
    message: 'Error validating access token: Session has expired',
  });
  await assert.rejects(send.send(dm()), (error: Error) => {
    assert.ok(error instanceof PermanentSendError);
    assert.match(error.message, /page access token for facebook account 5000001 is expired or revoked/);
    assert.match(error.message, /Graph code 190, subcode 463/);
    return true;
  });
  // A token the platform does not know at all is the same problem.
  const wrongToken = sender(hoursAgo(1), async () => 'not-a-token');
  await assert.rejects(wrongToken.send(dm()), /expired or revoked/);
  assert.equal(standIn.sent.length, 0);
});

test('a rate limit (429 or Graph codes 4, 17, 32, 613) is retry-later with the wait Graph gives', async () => {
  const send = sender(hoursAgo(1));
  standIn.failNext(429);
  await assert.rejects(send.send(dm()), (error: Error) => {
    assert.ok(error instanceof RetryLaterError);
    assert.equal(error.retryAt.toISOString(), '2026-11-23T09:16:00.000Z', 'a minute by default');
    return true;
  });
  standIn.failNext(400, 1, { graphCode: 32, resetEpochSeconds: Math.ceil(Date.now() / 1000) + 10 * 60 });
  await assert.rejects(send.send(dm()), (error: Error) => {
    assert.ok(error instanceof RetryLaterError);
    assert.ok(error.retryAt.getTime() >= NOW.getTime() + 10 * 60_000, 'estimated_time_to_regain_access');
    return true;
  });
  for (const code of [4, 17, 613]) {
    standIn.failNext(400, 1, { graphCode: code });
    await assert.rejects(send.send(dm()), RetryLaterError);
  }
  assert.equal(standIn.sent.length, 0);
  await send.send(dm());
  assert.equal(standIn.sent.length, 1);
});

test('a missing permission is permanent; a server error is uncertain; an unreachable API is retry-later', async () => {
  const send = sender(hoursAgo(1));
  standIn.failNext(403, 1, {
    graphCode: 10,
    message: '(#10) This message is sent outside of allowed window.',
  });
  await assert.rejects(send.send(dm()), /permission missing/);
  standIn.failNext(403, 1, { graphCode: 230, message: '(#230) Requires pages_messaging permission' });
  await assert.rejects(send.send(dm()), PermanentSendError);
  standIn.failNext(500);
  await assert.rejects(send.send(dm()), UncertainSendError);
  standIn.failNext(400, 1, { graphCode: 100, message: '(#100) No matching user found' });
  await assert.rejects(send.send(dm()), /Graph API refused the message/);

  const closed = await startPlatformStandIn();
  await closed.stop();
  const unreachable = new MetaSender({
    tokenFor: async (id, platform) => localMetaToken(id, platform),
    lastCustomerMessageAt: async () => hoursAgo(1),
    apiBaseUrl: closed.url,
    now: () => NOW,
  });
  await assert.rejects(unreachable.send(dm()), (error: Error) => {
    assert.ok(error instanceof RetryLaterError);
    assert.match(error.message, /ECONNREFUSED/);
    return true;
  });
});

test('what cannot be sent is refused before any call', async () => {
  const send = sender(hoursAgo(1));
  const noToken = sender(hoursAgo(1), async () => {
    throw new Error('no secret for account 5000001');
  });
  await assert.rejects(noToken.send(message()), /no usable page access token/);
  await assert.rejects(send.send(message({ platform: 'x' })), /does not send to x/);
  await assert.rejects(send.send(message({ text: '  ' })), /empty/);
  await assert.rejects(send.send(message({ inReplyToId: undefined })), /needs the comment/);
  await assert.rejects(send.send(dm({ recipientId: undefined })), /needs the recipient id/);
  await assert.rejects(send.send(dm({ text: 'x'.repeat(2001) })), /2001 characters; facebook takes 2000/);
  const storeDown = new MetaSender({
    tokenFor: async (id, platform) => localMetaToken(id, platform),
    lastCustomerMessageAt: async () => {
      throw new Error('table unavailable');
    },
    apiBaseUrl: standIn.url,
    now: () => NOW,
  });
  await assert.rejects(storeDown.send(dm()), RetryLaterError);
  assert.equal(standIn.sent.length, 0);
});
