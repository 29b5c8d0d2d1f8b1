import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { GraphInstagramMentionReader } from '../../functions/channels/meta/instagram-mentions';
import type { Interaction } from '../../functions/core/interaction';
import { completeMention, type MentionContentReader } from '../../functions/core/mention-content';
import { recordInteractions } from '../../functions/core/record-interactions';
import {
  localMetaToken,
  type PlatformStandIn,
  startPlatformStandIn,
} from '../../functions/local-runtime/platform-stand-in';
import { InMemoryCaseStore, StubSentiment } from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

const ACCOUNT = '17841400000000001';

let standIn: PlatformStandIn;
beforeAll(async () => {
  standIn = await startPlatformStandIn();
});
afterAll(() => standIn?.stop());

const reader = () =>
  new GraphInstagramMentionReader({
    tokenFor: async (id) => localMetaToken(id, 'instagram'),
    apiBaseUrl: standIn.url,
  });

/** An Instagram mention as the webhook leaves it: ids only (the demo brand's Facebook page stands in). */
function idOnlyMention(id: string, pending: Interaction['pendingContent']): Interaction {
  return {
    schemaVersion: 1,
    platform: 'instagram',
    visibility: 'public',
    kind: 'mention',
    platformMessageId: id,
    brandId: 'demoair',
    account: { id: ACCOUNT, role: 'care' },
    author: { id: `instagram-mention:${id}` },
    text: `[Instagram mention in a comment (${id}); the webhook carries no text: open it on Instagram]`,
    createdAt: '2026-11-23T10:00:00.000Z',
    receivedAt: '2026-11-23T10:00:05.000Z',
    pendingContent: pending,
  };
}

test('the Graph reader reads a mention in a comment and one in a caption', async () => {
  standIn.addInstagramMention({
    mediaId: 'm1',
    commentId: 'c1',
    text: '@demoair my bag never arrived in Lisbon',
    username: 'travelwithmo',
    timestamp: '2026-11-23T09:58:00.000Z',
  });
  standIn.addInstagramMention({
    mediaId: 'm2',
    text: 'Loved the flight with @demoair',
    username: 'ana.flies',
  });
  const comment = await reader().read({ accountId: ACCOUNT, mediaId: 'm1', commentId: 'c1' });
  assert.deepEqual(comment, {
    text: '@demoair my bag never arrived in Lisbon',
    handle: 'travelwithmo',
    createdAt: '2026-11-23T09:58:00.000Z',
  });
  const caption = await reader().read({ accountId: ACCOUNT, mediaId: 'm2' });
  assert.equal(caption.text, 'Loved the flight with @demoair');
  assert.equal(caption.handle, 'ana.flies');
  assert.equal(caption.url, 'https://www.instagram.com/p/m2/');
});

test('the Graph reader throws with Graph’s own message when the mention cannot be read', async () => {
  await assert.rejects(
    reader().read({ accountId: ACCOUNT, mediaId: 'gone', commentId: 'deleted' }),
    /Graph API 400 \(code 100\): \(#100\) The mention does not exist/,
  );
  standIn.failNext(401, 1, { message: 'Error validating access token: Session has expired' });
  await assert.rejects(reader().read({ accountId: ACCOUNT, mediaId: 'm2' }), /code 190.*Session has expired/);
});

test('a mention read through the port gets its text, author and time; a failure keeps the placeholder and says why', async () => {
  const read: MentionContentReader = {
    read: async ({ commentId }) => {
      if (commentId === 'gone') throw new Error('comments are turned off');
      return { text: 'where is my refund @demoair', handle: 'sam', createdAt: '2026-11-23T09:00:00.000Z' };
    },
  };
  const done = await completeMention(
    idOnlyMention('c9', { from: 'instagram-mention', mediaId: 'm9', commentId: 'c9' }),
    read,
  );
  assert.equal(done.text, 'where is my refund @demoair');
  assert.deepEqual(done.author, { id: 'instagram-user:sam', handle: 'sam' });
  assert.equal(done.createdAt, '2026-11-23T09:00:00.000Z');
  assert.equal(done.pendingContent, undefined);

  const failed = await completeMention(
    idOnlyMention('gone', { from: 'instagram-mention', mediaId: 'm9', commentId: 'gone' }),
    read,
  );
  assert.match(
    failed.text,
    /open it on Instagram\] \(Instagram did not give its text: comments are turned off\)$/,
  );
  assert.equal(failed.author.id, 'instagram-mention:gone', 'still its own customer');
  assert.equal(failed.pendingContent, undefined);
});

test('triage reads the mention before classifying it, once: a redelivery costs no Graph call', async () => {
  let reads = 0;
  const read: MentionContentReader = {
    read: async () => {
      reads++;
      return { text: 'my flight was cancelled and nobody answers', handle: 'lee' };
    },
  };
  const store = new InMemoryCaseStore();
  const seen: string[] = [];
  const sentiment = new StubSentiment((text) => {
    seen.push(text);
    return text.includes('cancelled') ? 'NEGATIVE' : 'NEUTRAL';
  });
  const deps = { directory: demoDirectory(), store, sentiment, mentions: read };
  const post = idOnlyMention('c10', { from: 'instagram-mention', mediaId: 'm10', commentId: 'c10' });
  const [outcome] = await recordInteractions([post], deps);
  assert.deepEqual(seen, ['my flight was cancelled and nobody answers']);
  assert.equal((outcome as { sentiment: string }).sentiment, 'NEGATIVE');
  const [message] = store.messages.get('instagram-c10') ?? [];
  assert.equal(message?.text, 'my flight was cancelled and nobody answers');
  assert.equal(store.cases.get('instagram-c10')?.customer?.handle, 'lee');

  assert.deepEqual(await recordInteractions([post], deps), [{ status: 'duplicate' }]);
  assert.equal(reads, 1);
});
