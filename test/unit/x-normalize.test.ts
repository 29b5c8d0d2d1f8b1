import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { MalformedPayloadError, normalizeXActivity } from '../../functions/channels/x/normalize';
import { demoDirectory, fixture } from '../helpers';

const directory = demoDirectory();
const receivedAt = '2026-11-23T09:15:00.000Z';
const normalize = (payload: unknown) => normalizeXActivity(payload, directory, receivedAt);

test('a mention of the care account becomes a public interaction for the brand', () => {
  const { interactions, rejected } = normalize(JSON.parse(fixture('x/mention.json')));
  assert.equal(rejected.length, 0);
  assert.equal(interactions.length, 1);
  const [mention] = interactions;
  assert.deepEqual(
    { ...mention, text: undefined },
    {
      schemaVersion: 1,
      platform: 'x',
      visibility: 'public',
      kind: 'mention',
      platformMessageId: '1860000000000000001',
      brandId: 'demoair',
      account: { id: '4000001', role: 'care' },
      author: {
        id: '3001969357',
        handle: 'furiouscamper',
        name: 'Jordan Brinks',
        followers: 22,
        verified: false,
      },
      text: undefined,
      lang: 'en',
      createdAt: '2026-11-23T09:14:02.000Z',
      receivedAt,
      conversationId: 'x:1860000000000000001',
      url: 'https://x.com/furiouscamper/status/1860000000000000001',
    },
  );
  assert.match(mention!.text, /on hold for 2 hours/);
});

test('a long reply is read in full from extended_tweet and keeps its thread', () => {
  const [reply] = normalize(JSON.parse(fixture('x/longform-reply.json'))).interactions;
  assert.equal(reply?.kind, 'reply');
  assert.equal(reply?.inReplyToId, '1860000000000000001');
  assert.equal(reply?.conversationId, 'x:1860000000000000001');
  assert.match(reply!.text, /What are you going to do about this\?$/);
});

test('a direct message uses the users map and a stable conversation id', () => {
  const [dm] = normalize(JSON.parse(fixture('x/direct-message.json'))).interactions;
  assert.equal(dm?.kind, 'dm');
  assert.equal(dm?.visibility, 'private');
  assert.equal(dm?.author.handle, 'furiouscamper');
  assert.equal(dm?.account.role, 'care');
  assert.equal(dm?.conversationId, 'x-dm:3001969357-4000001');
  assert.equal(dm?.createdAt, '2026-11-23T09:14:02.000Z');
});

test('posts to the bot account are marked as addressed to the bot', () => {
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.for_user_id = '4000002';
  assert.deepEqual(normalize(payload).interactions[0]?.account, { id: '4000002', role: 'bot' });
});

test('a quote tweet is a quote', () => {
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.tweet_create_events[0].is_quote_status = true;
  assert.equal(normalize(payload).interactions[0]?.kind, 'quote');
});

test('our own posts and DMs, retweets and other event kinds are ignored and counted', () => {
  const own = JSON.parse(fixture('x/mention.json'));
  own.tweet_create_events[0].user.id_str = '4000002';
  const retweet = JSON.parse(fixture('x/mention.json'));
  retweet.tweet_create_events[0].retweeted_status = { id_str: '1' };
  const ownDm = JSON.parse(fixture('x/direct-message.json'));
  ownDm.direct_message_events[0].message_create.sender_id = '4000001';
  ownDm.direct_message_events[0].message_create.target.recipient_id = '3001969357';
  assert.deepEqual(normalize(own).ignored, { 'own post': 1 });
  assert.deepEqual(normalize(retweet).ignored, { retweet: 1 });
  assert.deepEqual(normalize(ownDm).ignored, { 'own direct message': 1 });
  const other = normalize(JSON.parse(fixture('x/not-acted-on.json')));
  assert.deepEqual(other, {
    interactions: [],
    ignored: { favorite_events: 1, tweet_delete_events: 1 },
    rejected: [],
  });
  const typing = normalize({ for_user_id: '4000001', direct_message_events: [{ type: 'message_read' }] });
  assert.deepEqual(typing.ignored, { 'direct message message_read': 1 });
});

test('events for an unconfigured account or without ids are rejected with a reason, not dropped', () => {
  const unknown = JSON.parse(fixture('x/mention.json'));
  unknown.for_user_id = '999';
  const result = normalize(unknown);
  assert.equal(result.interactions.length, 0);
  assert.match(result.rejected[0]!.reason, /999 is not a configured X account/);

  const broken = normalize({
    for_user_id: '4000001',
    tweet_create_events: [{ text: 'no id' }, 42],
    direct_message_events: [{ type: 'message_create' }],
  });
  assert.deepEqual(
    broken.rejected.map((r) => r.reason),
    [
      'tweet without id_str or user.id_str',
      'tweet without id_str or user.id_str',
      'direct message without id, sender_id or recipient_id',
    ],
  );
});

test('a payload that is not an object is malformed', () => {
  for (const payload of [null, [], 'x', 3]) assert.throws(() => normalize(payload), MalformedPayloadError);
});
