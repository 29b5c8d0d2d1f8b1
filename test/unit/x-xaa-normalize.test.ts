import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { MalformedPayloadError, normalizeXActivity } from '../../functions/channels/x/normalize';
import { caseIdFor, recordedKey } from '../../functions/core/cases';
import { accountEventSchema, type Interaction, interactionSchema } from '../../functions/core/interaction';
import { demoDirectory, fixture, fixtureFiles } from '../helpers';

const directory = demoDirectory();
const receivedAt = '2026-11-23T09:15:00.000Z';
const normalize = (payload: unknown) => normalizeXActivity(payload, directory, receivedAt);
const load = (name: string) => JSON.parse(fixture(`x/${name}`));

/** Every official XAA sample shape (adapted to the demo accounts) and what it must become. */
const TABLE: Array<{
  file: string;
  event: string;
  interactions: number;
  kind?: Interaction['kind'];
  direction?: 'outbound';
  accountEvents?: number;
  ignored?: Record<string, number>;
}> = [
  { file: 'xaa-post.mention.create.json', event: 'post.mention.create', interactions: 1, kind: 'mention' },
  { file: 'xaa-post.reply.create.json', event: 'post.reply.create', interactions: 1, kind: 'reply' },
  { file: 'xaa-post.quote.create.json', event: 'post.quote.create', interactions: 1, kind: 'quote' },
  { file: 'xaa-dm.received.json', event: 'dm.received', interactions: 1, kind: 'dm' },
  { file: 'xaa-dm.sent.json', event: 'dm.sent', interactions: 1, kind: 'dm', direction: 'outbound' },
  { file: 'xaa-chat.received.json', event: 'chat.received', interactions: 1, kind: 'dm' },
  { file: 'xaa-oauth.revoke.json', event: 'oauth.revoke', interactions: 0, accountEvents: 1 },
  { file: 'xaa-like.create.json', event: 'like.create', interactions: 0, ignored: { 'like.create': 1 } },
];

for (const row of TABLE) {
  test(`XAA ${row.event} (${row.file})`, () => {
    const payload = load(row.file);
    assert.equal(payload.data.event_type, row.event, 'the fixture is the event it claims');
    const result = normalize(payload);
    assert.deepEqual(result.rejected, []);
    assert.equal(result.interactions.length, row.interactions);
    assert.equal(result.accountEvents?.length ?? 0, row.accountEvents ?? 0);
    assert.deepEqual(result.ignored, row.ignored ?? {});
    for (const interaction of result.interactions) {
      assert.equal(interactionSchema.safeParse(interaction).success, true);
      assert.equal(interaction.kind, row.kind);
      assert.equal(interaction.direction, row.direction);
      assert.equal(interaction.brandId, 'demoair');
    }
    for (const event of result.accountEvents ?? [])
      assert.equal(accountEventSchema.safeParse(event).success, true);
  });
}

test('every other XAA event type of the official samples is counted as ignored, nothing enqueued or parked', () => {
  const acted = new Set([
    'post.mention.create',
    'post.reply.create',
    'post.quote.create',
    'dm.received',
    'dm.sent',
    'chat.received',
    'oauth.revoke',
  ]);
  const files = fixtureFiles('x/xaa-official').filter((f) => /^x-xaa-.*\.json$/.test(f));
  assert.ok(files.length >= 20, 'the official samples are there');
  for (const file of files) {
    const payload = JSON.parse(fixture(`x/xaa-official/${file}`));
    const type = payload.data.event_type as string;
    if (acted.has(type)) continue;
    // Point the sample at our care account, as a subscription of ours would deliver it.
    payload.data.filter = { ...payload.data.filter, user_id: '4000001' };
    const result = normalize(payload);
    assert.deepEqual(result.interactions, [], file);
    assert.deepEqual(result.rejected, [], file);
    assert.deepEqual(result.ignored, { [type]: 1 }, file);
  }
});

test('a mention: author from includes, text, thread, link and the account it was addressed to', () => {
  const [mention] = normalize(load('xaa-post.mention.create.json')).interactions;
  assert.deepEqual(mention, {
    schemaVersion: 1,
    platform: 'x',
    visibility: 'public',
    kind: 'mention',
    platformMessageId: '2080765813578191303',
    brandId: 'demoair',
    account: { id: '4000001', role: 'care' },
    author: {
      id: '3100000001',
      handle: 'lena_travels',
      name: 'lena_travels',
      followers: 97,
      verified: false,
    },
    text: '@DemoAir hi, is the lounge at Schiphol open on Sunday? Flying out early.',
    lang: 'en',
    createdAt: '2026-07-24T21:23:23.000Z',
    receivedAt,
    conversationId: 'x:2080765813578191303',
    url: 'https://x.com/lena_travels/status/2080765813578191303',
  });
});

test('a reply keeps the post it answers and its thread', () => {
  const [reply] = normalize(load('xaa-post.reply.create.json')).interactions;
  assert.equal(reply?.inReplyToId, '2080761390344937796');
  assert.equal(reply?.conversationId, 'x:2080761390344937796');
  assert.equal(reply?.author.handle, 'sam_flies');
});

test('a quote carries the quoted post with its text from includes; without includes, its id only', () => {
  const payload = load('xaa-post.quote.create.json');
  const [quote] = normalize(payload).interactions;
  assert.deepEqual(quote?.quoted, {
    id: '2080761390344937796',
    text: 'Every DemoAir flight to New York left on time this week. Thank you, crews!',
  });
  assert.match(quote!.text, /nobody at the gate/, 'the customer words are the text triage reads');
  payload.data.includes = {};
  assert.deepEqual(normalize(payload).interactions[0]?.quoted, { id: '2080761390344937796' });
});

test('dm.received: the sender from the users map ({data: user}), the DM conversation', () => {
  const [dm] = normalize(load('xaa-dm.received.json')).interactions;
  assert.equal(dm?.visibility, 'private');
  assert.equal(dm?.author.id, '3100000004');
  assert.equal(dm?.author.handle, 'dana_dm');
  assert.equal(dm?.author.followers, 97);
  assert.equal(dm?.account.id, '4000001');
  assert.equal(dm?.conversationId, 'x-dm:3100000004-4000001');
  assert.equal(dm?.direction, undefined, 'inbound');
});

test('dm.sent: ours, outbound, to the customer, in the same DM conversation', () => {
  const [dm] = normalize(load('xaa-dm.sent.json')).interactions;
  assert.equal(dm?.direction, 'outbound');
  assert.deepEqual(dm?.author, { id: '4000001', handle: 'DemoAir' });
  assert.deepEqual(dm?.recipient, { id: '3100000004', handle: 'dana_dm' });
  assert.equal(dm?.account.role, 'care');
  assert.equal(dm?.conversationId, 'x-dm:3100000004-4000001');
  assert.equal(dm?.text, 'Hi Dana, we have moved you to seat 12A. Have a good flight!');
});

test('a DM between our own two accounts is ignored', () => {
  const payload = load('xaa-dm.sent.json');
  payload.data.payload.direct_message_events[0].message_create.target.recipient_id = '4000002';
  const result = normalize(payload);
  assert.deepEqual(result.interactions, []);
  assert.deepEqual(result.ignored, { 'direct message between our own accounts': 1 });
});

test('chat.received: encrypted, so the text says plainly to read it in X app, as the account it was sent to', () => {
  const [chat] = normalize(load('xaa-chat.received.json')).interactions;
  assert.equal(chat?.platformMessageId, 'e4f4d3fc-8bbf-4928-92eb-e5058d6bb6f6');
  assert.equal(chat?.author.id, '3100000005');
  assert.equal(chat?.createdAt, new Date(1784841183370).toISOString());
  assert.equal(
    chat!.text,
    "[Encrypted X Chat message: it cannot be read here] Read and answer it in X's app (Chat) as @DemoAir.",
  );
  assert.doesNotMatch(chat!.text, /CwAB|eyJ/, 'no ciphertext or token in the text');
});

test('oauth.revoke: an account event for the account in payload.user_id (filter is empty)', () => {
  const result = normalize(load('xaa-oauth.revoke.json'));
  assert.deepEqual(result.accountEvents, [
    {
      schemaVersion: 1,
      type: 'account_event',
      event: 'authorization_revoked',
      platform: 'x',
      platformEventId: '5934540941047412905',
      brandId: 'demoair',
      account: { id: '4000002', role: 'bot' },
      occurredAt: '2026-07-23T21:44:05.000Z',
      receivedAt,
    },
  ]);
  const other = load('xaa-oauth.revoke.json');
  other.data.payload.user_id = '999';
  assert.deepEqual(normalize(other).ignored, { 'oauth.revoke by an account that is not ours': 1 });
  assert.deepEqual(normalize(other).accountEvents, []);
});

test('posts by our own accounts and reposts are ignored; a subscription of an account we do not have is parked', () => {
  const own = load('xaa-post.mention.create.json');
  own.data.payload.author_id = '4000002';
  assert.deepEqual(normalize(own).ignored, { 'own post': 1 });
  const repost = load('xaa-post.reply.create.json');
  repost.data.payload.referenced_tweets = [{ type: 'retweeted', id: '1' }];
  assert.deepEqual(normalize(repost).ignored, { retweet: 1 });
  const stranger = load('xaa-post.mention.create.json');
  stranger.data.filter.user_id = '1111111111111111111';
  const result = normalize(stranger);
  assert.equal(result.interactions.length, 0);
  assert.match(
    result.rejected[0]!.reason,
    /filter.user_id 1111111111111111111 is not a configured X account/,
  );
});

test('an envelope without event_type is malformed; a post without id or author is parked', () => {
  assert.throws(() => normalize({ data: { event_type: '' } }), MalformedPayloadError);
  const broken = load('xaa-post.quote.create.json');
  delete broken.data.payload.author_id;
  const result = normalize(broken);
  assert.equal(result.interactions.length, 0);
  assert.match(result.rejected[0]!.reason, /post.quote.create without payload.id or payload.author_id/);
});

test('a long post is read in full from note_tweet', () => {
  const payload = load('xaa-post.mention.create.json');
  payload.data.payload.note_tweet = { text: `@DemoAir ${'a very long story '.repeat(30)}the end` };
  assert.match(normalize(payload).interactions[0]!.text, /the end$/);
});

/**
 * The keys that make one post one message and one case: whichever API delivered it. Polling reads the
 * same v2 post ids, so it keys the same way.
 */
const keysOf = (i: Interaction) => ({
  recorded: recordedKey(i.platform, i.platformMessageId),
  caseId: caseIdFor(i),
  platform: i.platform,
  kind: i.kind,
  visibility: i.visibility,
  brandId: i.brandId,
  account: i.account,
  authorId: i.author.id,
  handle: i.author.handle,
  text: i.text,
  lang: i.lang,
  createdAt: i.createdAt,
  conversationId: i.conversationId,
  url: i.url,
});

test('AAA and XAA deliveries of the same mention give the same keys, case id and fields', () => {
  const [aaa] = normalize(load('mention.json')).interactions;
  const [xaa] = normalize(load('xaa-post.mention.create-same-post-as-mention.json')).interactions;
  assert.ok(aaa && xaa);
  assert.deepEqual(keysOf(xaa), keysOf(aaa));
  assert.equal(xaa.author.followers, aaa.author.followers);
});

test('AAA and XAA deliveries of the same DM give the same keys, case id and fields', () => {
  const [aaa] = normalize(load('direct-message.json')).interactions;
  const [xaa] = normalize(load('xaa-dm.received-same-message-as-direct-message.json')).interactions;
  assert.ok(aaa && xaa);
  assert.deepEqual(keysOf(xaa), keysOf(aaa));
});

test('a post that is both a mention and a reply (X may send both events) keys the same either way', () => {
  const reply = load('xaa-post.reply.create.json');
  const mention = load('xaa-post.reply.create.json');
  mention.data.event_type = 'post.mention.create';
  const [a] = normalize(reply).interactions;
  const [b] = normalize(mention).interactions;
  assert.deepEqual(keysOf(a!), keysOf(b!));
  assert.equal(b?.kind, 'reply', 'kind comes from the post, not the event');
});
