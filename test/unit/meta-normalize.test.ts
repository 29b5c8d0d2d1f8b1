import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { MalformedPayloadError, normalizeMetaWebhook } from '../../functions/channels/meta/normalize';
import { BrandDirectory } from '../../functions/core/brand-config';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import { demoConfig, fixture } from '../helpers';

const INSTAGRAM_ID = '17841400000000001';
const receivedAt = '2026-11-23T09:15:00.000Z';

/** The demo brand with an Instagram account beside its Facebook page (5000001). */
function directoryWithInstagram(): BrandDirectory {
  const config = demoConfig();
  const [brand, ...others] = config.brands;
  return new BrandDirectory(
    parseBrandConfig({
      ...config,
      brands: [
        {
          ...brand!,
          accounts: [
            ...brand!.accounts,
            { platform: 'instagram', id: INSTAGRAM_ID, handle: 'demoair', role: 'care' },
          ],
        },
        ...others,
      ],
    }),
  );
}

const directory = directoryWithInstagram();
const normalize = (payload: unknown) => normalizeMetaWebhook(payload, directory, receivedAt);
const load = (name: string) => JSON.parse(fixture(`meta/${name}`));

test('page feed: every entry and change is read; comments keep their thread; in platform time order', () => {
  const { interactions, ignored, rejected } = normalize(load('page-feed-batch.json'));
  assert.deepEqual(rejected, []);
  assert.deepEqual(ignored, { 'own comment': 1, 'feed comment edited': 1, 'feed reaction': 1 });
  assert.deepEqual(
    interactions.map((i) => [i.platformMessageId, i.kind, i.createdAt]),
    [
      ['5000001_700000000000009', 'mention', '2026-11-23T09:10:00.000Z'],
      ['700000000000001_800000000000001', 'comment', '2026-11-23T09:12:00.000Z'],
      ['700000000000001_800000000000002', 'comment', '2026-11-23T09:13:00.000Z'],
    ],
  );
  const [post, comment, reply] = interactions;
  assert.deepEqual(comment, {
    schemaVersion: 1,
    platform: 'facebook',
    visibility: 'public',
    kind: 'comment',
    platformMessageId: '700000000000001_800000000000001',
    brandId: 'demoair',
    account: { id: '5000001', role: 'care' },
    author: { id: '6100000000000001', name: 'Sam Reyes' },
    text: 'My bag never arrived in Amsterdam, reference AMS12345. Nobody answers the phone.',
    createdAt: '2026-11-23T09:12:00.000Z',
    receivedAt,
    conversationId: 'facebook:5000001_700000000000001',
    inReplyToId: '5000001_700000000000001',
    url: 'https://www.facebook.com/700000000000001_800000000000001',
  });
  // The reply in the comment's thread names its parent comment and shares the conversation.
  assert.equal(reply?.inReplyToId, '700000000000001_800000000000001');
  assert.equal(reply?.conversationId, comment?.conversationId);
  assert.equal(post?.inReplyToId, undefined);
  assert.equal(post?.conversationId, 'facebook:5000001_700000000000009');
  assert.equal(post?.author.name, 'Ana Lima');
});

test('the third-party feed sample shape (restfb) with the page as author is our own comment', () => {
  const sample = {
    object: 'page',
    entry: [
      {
        id: '5000001',
        time: 1449135003,
        changes: [
          {
            field: 'feed',
            value: {
              item: 'comment',
              verb: 'add',
              comment_id: '901097836652708_903438993085259',
              post_id: '5000001_901097836652708',
              parent_id: '5000001_901097836652708',
              from: { id: '5000001', name: 'Tester' },
              created_time: 1449135003,
              message: 'and the next one',
            },
          },
        ],
      },
    ],
  };
  assert.deepEqual(normalize(sample), { interactions: [], ignored: { 'own comment': 1 }, rejected: [] });
  sample.entry[0]!.changes[0]!.value.from.id = '6100000000000001';
  const [comment] = normalize(sample).interactions;
  assert.equal(comment?.createdAt, '2015-12-03T09:30:03.000Z', 'created_time is in seconds');
});

test('Messenger batch: text, quick reply, attachment, postback and reply; echoes and receipts ignored', () => {
  const { interactions, ignored, rejected } = normalize(load('messenger-batch.json'));
  assert.deepEqual(rejected, []);
  assert.deepEqual(ignored, {
    'echo of our own message': 1,
    'delivery receipt': 1,
    'read receipt': 1,
  });
  assert.deepEqual(
    interactions.map((i) => [i.createdAt, i.author.id, i.text]),
    [
      ['2026-11-23T09:10:00.000Z', '7100000000000001', 'Hello, my flight DA123 was cancelled. Can you help?'],
      [
        '2026-11-23T09:11:00.000Z',
        '7100000000000002',
        '[image] https://scontent.xx.fbcdn.net/v/t1.15752-9/damaged-bag.jpg',
      ],
      [
        '2026-11-23T09:12:00.000Z',
        '7100000000000001',
        'Rebook me on the next flight\n[quick reply: REBOOK_DA123]',
      ],
      ['2026-11-23T09:13:00.000Z', '7100000000000001', 'Talk to an agent\n[postback: TALK_TO_AGENT]'],
      ['2026-11-23T09:14:00.000Z', '7100000000000002', 'This is the bag I mean'],
    ],
  );
  for (const dm of interactions) {
    assert.equal(dm.platform, 'facebook');
    assert.equal(dm.visibility, 'private');
    assert.equal(dm.kind, 'dm');
    assert.deepEqual(dm.account, { id: '5000001', role: 'care' });
    assert.equal(dm.conversationId, `facebook-dm:5000001-${dm.author.id}`);
  }
  assert.equal(interactions[0]?.platformMessageId, 'mid.1795425000000:41d102a3e1ae206a30');
  assert.equal(interactions[3]?.platformMessageId, 'm_postback_1795425180000');
  assert.equal(interactions[4]?.inReplyToId, 'mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c');
});

test('a postback without a mid is keyed by who tapped and when', () => {
  const [postback] = normalize({
    object: 'page',
    entry: [
      {
        id: '5000001',
        time: 1458692752478,
        messaging: [
          {
            sender: { id: '7100000000000009' },
            recipient: { id: '5000001' },
            timestamp: 1458692752478,
            postback: { title: 'Get started', payload: 'GET_STARTED' },
          },
        ],
      },
    ],
  }).interactions;
  assert.equal(postback?.platformMessageId, 'postback:7100000000000009:1458692752478');
  assert.equal(postback?.createdAt, '2016-03-23T00:25:52.478Z', 'messaging timestamps are in milliseconds');
});

test('Instagram comments and mentions; our own comment and other fields ignored', () => {
  const { interactions, ignored, rejected } = normalize(load('instagram-comments.json'));
  assert.deepEqual(rejected, []);
  assert.deepEqual(ignored, { 'own comment': 1, 'change story_insights': 1 });
  assert.deepEqual(
    interactions.map((i) => [i.kind, i.platformMessageId, i.inReplyToId, i.conversationId]),
    [
      ['comment', '17900000000000001', '17950000000000001', 'instagram:17950000000000001'],
      ['comment', '17900000000000003', '17900000000000001', 'instagram:17950000000000001'],
      ['mention', '17894227972186120', '17918195224117851', 'instagram:17918195224117851'],
      ['mention', '17918195224117852', undefined, 'instagram:17918195224117852'],
    ],
  );
  const [comment, , mention] = interactions;
  assert.deepEqual(comment?.author, { id: '8100000000000001', handle: 'travelwithmo' });
  assert.deepEqual(comment?.account, { id: INSTAGRAM_ID, role: 'care' });
  assert.equal(comment?.platform, 'instagram');
  assert.equal(comment?.visibility, 'public');
  assert.equal(comment?.createdAt, '2026-11-23T09:14:10.000Z', 'no created_time: the entry time');
  // Mentions carry only ids: one customer per mention until the text is read from the Graph API.
  assert.equal(mention?.author.id, 'instagram-mention:17894227972186120');
  assert.match(mention!.text, /Instagram mention in a comment \(17894227972186120\)/);
  // ...and triage is told what to read.
  assert.deepEqual(mention?.pendingContent, {
    from: 'instagram-mention',
    mediaId: '17918195224117851',
    commentId: '17894227972186120',
  });
  assert.deepEqual(interactions[3]?.pendingContent, {
    from: 'instagram-mention',
    mediaId: '17918195224117852',
  });
  assert.equal(comment?.pendingContent, undefined, 'a comment carries its text');
});

test('Instagram DMs: text and attachments; echo, read and deleted messages ignored', () => {
  const { interactions, ignored } = normalize(load('instagram-messaging.json'));
  assert.deepEqual(ignored, {
    'echo of our own message': 1,
    'read receipt': 1,
    'message deleted': 1,
  });
  assert.deepEqual(
    interactions.map((i) => [i.platform, i.visibility, i.kind, i.text]),
    [
      ['instagram', 'private', 'dm', 'Hi, I was charged twice for my seat on DA456'],
      [
        'instagram',
        'private',
        'dm',
        '[image] https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=receipt',
      ],
    ],
  );
  assert.equal(interactions[0]?.conversationId, `instagram-dm:${INSTAGRAM_ID}-8200000000000001`);
});

test('an unconfigured page or Instagram account is rejected with the reason, item by item', () => {
  const page = load('messenger-batch.json');
  for (const entry of page.entry) entry.id = '999';
  const result = normalize(page);
  assert.equal(result.interactions.length, 0);
  assert.equal(result.rejected.length, 5);
  assert.equal(result.rejected[0]?.reason, 'entry.id 999 is not a configured Facebook page');
  // Echoes and receipts are still just ignored.
  assert.equal(result.ignored['echo of our own message'], 1);

  const instagram = load('instagram-comments.json');
  instagram.entry[0].id = '5000001';
  const wrong = normalize(instagram);
  assert.match(wrong.rejected[0]!.reason, /entry.id 5000001 is not a configured Instagram account/);
  assert.equal(wrong.interactions.length, 2, 'the other entry is still read');
});

test('items without the ids they need are rejected; the rest of the batch goes through', () => {
  const result = normalize({
    object: 'page',
    entry: [
      {
        id: '5000001',
        time: 1795425250,
        changes: [
          { field: 'feed', value: { item: 'comment', verb: 'add', message: 'no ids' } },
          { field: 'feed' },
        ],
        messaging: [
          { recipient: { id: '5000001' }, timestamp: 1795425000000, message: { mid: 'm_1', text: 'who?' } },
          { sender: { id: '7100000000000001' }, timestamp: 1795425000000, message: { text: 'no mid' } },
          {
            sender: { id: '7100000000000001' },
            timestamp: 1795425000000,
            message: { mid: 'm_2', text: 'ok' },
          },
          42,
        ],
      },
    ],
  });
  assert.deepEqual(
    result.rejected.map((r) => r.reason),
    [
      'feed comment without comment_id, post_id or from.id',
      'change without a value object',
      'messaging item without sender.id',
      'message without mid',
      'messaging item is not an object',
    ],
  );
  assert.deepEqual(
    result.interactions.map((i) => i.platformMessageId),
    ['m_2'],
  );
});

test('the same item twice in one delivery becomes one interaction', () => {
  const payload = load('messenger-batch.json');
  payload.entry.push(structuredClone(payload.entry[0]));
  const result = normalize(payload);
  assert.equal(result.interactions.length, 5);
  assert.equal(result.ignored['duplicate in batch'], 2);
});

test('other objects are ignored; a payload that is not an object, or has no entries, is malformed', () => {
  assert.deepEqual(normalize({ object: 'user', entry: [] }).ignored, { 'object user': 1 });
  // The reference pages wrap notifications in an array: read as the same thing.
  assert.equal(normalize([load('instagram-messaging.json')]).interactions.length, 2);
  for (const payload of [null, 'x', 3, { object: 'page' }, { object: 'instagram', entry: {} }]) {
    assert.throws(() => normalize(payload), MalformedPayloadError);
  }
});
