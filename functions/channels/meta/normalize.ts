import type { BrandDirectory, ResolvedAccount } from '../../core/brand-config';
import type { Interaction } from '../../core/interaction';
import { isObject, MalformedPayloadError, type NormalizeResult } from '../accept';

export { MalformedPayloadError, type NormalizeResult };

type Json = Record<string, unknown>;
type MetaPlatform = 'facebook' | 'instagram';

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/** An interaction before we know which brand account it is for, with its platform time for ordering. */
type Draft = Omit<Interaction, 'brandId' | 'account' | 'receivedAt'> & { at: number };
type Outcome = { draft: Draft } | { ignore: string } | { reject: string };

/**
 * Meta sends seconds in `entry.time` and `created_time` of changes, milliseconds in messaging
 * `timestamp` (and in some `entry.time`), and ISO strings in a few Graph objects: take them all.
 */
function platformTime(value: unknown): number | undefined {
  if (typeof value === 'string' && value !== '') {
    if (/^\d+$/.test(value)) return platformTime(Number(value));
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  // 1e11 seconds is the year 5138; 1e11 milliseconds is 1973: no real timestamp is ambiguous.
  return value < 1e11 ? value * 1000 : value;
}

const accountLabel = (platform: MetaPlatform) =>
  platform === 'facebook' ? 'Facebook page' : 'Instagram account';

/** Post-like feed items a visitor can publish on a page; reactions, likes and the rest are not acted on. */
const FEED_POSTS = new Set(['post', 'status', 'photo', 'video', 'share']);

function feedChange(value: Json, fallbackTime: number | undefined, directory: BrandDirectory): Outcome {
  const item = str(value.item) ?? 'unknown';
  if (item !== 'comment' && !FEED_POSTS.has(item)) return { ignore: `feed ${item}` };
  const verb = str(value.verb) ?? 'unknown';
  if (verb !== 'add') return { ignore: `feed ${item} ${verb}` };
  const from = isObject(value.from) ? value.from : {};
  const authorId = str(from.id);
  const postId = str(value.post_id);
  const id = item === 'comment' ? str(value.comment_id) : postId;
  if (!id || !authorId || !postId)
    return { reject: `feed ${item} without ${item === 'comment' ? 'comment_id, ' : ''}post_id or from.id` };
  if (directory.isOwnAccount('facebook', authorId))
    return { ignore: `own ${item === 'comment' ? 'comment' : 'post'}` };
  const text = [
    str(value.message),
    ...(item !== 'comment' && str(value.link) ? [`[${item}] ${value.link}`] : []),
  ]
    .filter(Boolean)
    .join('\n');
  const at = platformTime(value.created_time) ?? fallbackTime ?? Number.NaN;
  const name = str(from.name);
  if (item === 'comment') {
    return {
      draft: {
        schemaVersion: 1,
        platform: 'facebook',
        visibility: 'public',
        kind: 'comment',
        platformMessageId: id,
        author: { id: authorId, ...(name ? { name } : {}) },
        text,
        createdAt: '',
        // A top-level comment's parent is the post; a reply's is the comment it answers.
        conversationId: `facebook:${postId}`,
        inReplyToId: str(value.parent_id) ?? postId,
        url: `https://www.facebook.com/${id}`,
        at,
      },
    };
  }
  return {
    draft: {
      schemaVersion: 1,
      platform: 'facebook',
      visibility: 'public',
      kind: 'mention',
      platformMessageId: id,
      author: { id: authorId, ...(name ? { name } : {}) },
      text,
      createdAt: '',
      conversationId: `facebook:${postId}`,
      url: `https://www.facebook.com/${id}`,
      at,
    },
  };
}

function instagramComment(value: Json, fallbackTime: number | undefined, directory: BrandDirectory): Outcome {
  const from = isObject(value.from) ? value.from : {};
  const authorId = str(from.id);
  // Instagram Login sends `id`, Facebook Login `comment_id`.
  const id = str(value.id) ?? str(value.comment_id);
  const mediaId = isObject(value.media) ? str(value.media.id) : str(value.media_id);
  if (!id || !authorId || !mediaId) return { reject: 'instagram comment without id, from.id or media.id' };
  if (directory.isOwnAccount('instagram', authorId)) return { ignore: 'own comment' };
  const handle = str(from.username);
  return {
    draft: {
      schemaVersion: 1,
      platform: 'instagram',
      visibility: 'public',
      kind: 'comment',
      platformMessageId: id,
      author: { id: authorId, ...(handle ? { handle } : {}) },
      text: typeof value.text === 'string' ? value.text : '',
      createdAt: '',
      conversationId: `instagram:${mediaId}`,
      inReplyToId: str(value.parent_id) ?? mediaId,
      at: platformTime(value.timestamp) ?? fallbackTime ?? Number.NaN,
    },
  };
}

/**
 * Instagram sends only ids for a mention (`comment_id`, `media_id`): the text and the author have to
 * be read from the Graph API, which the webhook must not wait for. The interaction says so
 * (`pendingContent`) and triage reads them (core/mention-content.ts). Until then, and if they cannot be
 * read, the mention is its own customer (one case per mention, never merged with another unknown author).
 */
function instagramMention(value: Json, fallbackTime: number | undefined, directory: BrandDirectory): Outcome {
  const commentId = str(value.comment_id);
  const mediaId = str(value.media_id);
  const id = commentId ?? mediaId;
  if (!id || !mediaId) return { reject: 'instagram mention without media_id' };
  const from = isObject(value.from) ? value.from : {};
  const authorId = str(from.id);
  if (authorId && directory.isOwnAccount('instagram', authorId)) return { ignore: 'own mention' };
  const handle = str(from.username);
  const where = commentId
    ? `a comment (${commentId}) on media ${mediaId}`
    : `the caption of media ${mediaId}`;
  return {
    draft: {
      schemaVersion: 1,
      platform: 'instagram',
      visibility: 'public',
      kind: 'mention',
      platformMessageId: id,
      author: { id: authorId ?? `instagram-mention:${id}`, ...(handle ? { handle } : {}) },
      text:
        typeof value.text === 'string'
          ? value.text
          : `[Instagram mention in ${where}; the webhook carries no text: open it on Instagram]`,
      createdAt: '',
      conversationId: `instagram:${mediaId}`,
      ...(commentId ? { inReplyToId: mediaId } : {}),
      ...(typeof value.text === 'string'
        ? {}
        : {
            pendingContent: {
              from: 'instagram-mention' as const,
              mediaId,
              ...(commentId ? { commentId } : {}),
            },
          }),
      at: platformTime(value.timestamp) ?? fallbackTime ?? Number.NaN,
    },
  };
}

function attachmentLine(attachment: unknown): string | undefined {
  if (!isObject(attachment)) return undefined;
  const type = str(attachment.type) ?? 'attachment';
  const payload = isObject(attachment.payload) ? attachment.payload : {};
  const where = str(payload.url) ?? str(attachment.url) ?? str(payload.title) ?? str(attachment.title);
  return where ? `[${type}] ${where}` : `[${type}]`;
}

/** The Send/Receive API's `messaging[]` items, for Messenger (page) and Instagram alike. */
function messagingItem(
  item: Json,
  platform: MetaPlatform,
  accountId: string,
  directory: BrandDirectory,
): Outcome {
  const sender = isObject(item.sender) ? str(item.sender.id) : undefined;
  const at = platformTime(item.timestamp) ?? Number.NaN;
  const message = isObject(item.message) ? item.message : undefined;
  const postback = isObject(item.postback) ? item.postback : undefined;
  if (!message && !postback) {
    if (item.delivery !== undefined) return { ignore: 'delivery receipt' };
    if (item.read !== undefined) return { ignore: 'read receipt' };
    const kind = Object.keys(item).find((k) => !['sender', 'recipient', 'timestamp'].includes(k));
    return { ignore: `messaging ${kind ?? 'empty'}` };
  }
  if (message?.is_echo === true) return { ignore: 'echo of our own message' };
  if (message?.is_deleted === true) return { ignore: 'message deleted' };
  if (!sender) return { reject: 'messaging item without sender.id' };
  if (directory.isOwnAccount(platform, sender)) return { ignore: 'own message' };

  let id: string | undefined;
  let text: string;
  let inReplyToId: string | undefined;
  if (message) {
    id = str(message.mid);
    const lines: string[] = [];
    if (typeof message.text === 'string' && message.text !== '') lines.push(message.text);
    const quickReply = isObject(message.quick_reply) ? str(message.quick_reply.payload) : undefined;
    if (quickReply) lines.push(`[quick reply: ${quickReply}]`);
    if (Array.isArray(message.attachments)) {
      for (const attachment of message.attachments) {
        const line = attachmentLine(attachment);
        if (line) lines.push(line);
      }
    }
    const story =
      isObject(message.reply_to) && isObject(message.reply_to.story) ? message.reply_to.story : undefined;
    if (story) lines.push(`[reply to a story] ${str(story.url) ?? str(story.id) ?? ''}`.trim());
    if (message.is_unsupported === true) lines.push('[unsupported message type: open it in the inbox]');
    text = lines.join('\n');
    inReplyToId = isObject(message.reply_to) ? str(message.reply_to.mid) : undefined;
  } else {
    const button = postback as Json;
    // Current postbacks carry a mid; one without it is keyed by who tapped and when.
    id = str(button.mid) ?? (Number.isFinite(at) ? `postback:${sender}:${at}` : undefined);
    const title = str(button.title);
    const payload = str(button.payload);
    text = [title, payload ? `[postback: ${payload}]` : undefined].filter(Boolean).join('\n');
  }
  if (!id) return { reject: `${message ? 'message' : 'postback'} without mid` };
  const [a, b] = [accountId, sender].sort();
  return {
    draft: {
      schemaVersion: 1,
      platform,
      visibility: 'private',
      kind: 'dm',
      platformMessageId: id,
      author: { id: sender },
      text,
      createdAt: '',
      conversationId: `${platform}-dm:${a}-${b}`,
      ...(inReplyToId ? { inReplyToId } : {}),
      at,
    },
  };
}

/**
 * Turns a Meta webhook payload into interactions. `object: "page"` carries page feed changes
 * (posts and comments) and Messenger `messaging[]`; `object: "instagram"` carries comments,
 * mentions and Instagram Direct. Every entry and every item of a batch is read; the entry's `id`
 * names our page or Instagram account, which names the brand. Echoes of our own messages, our own
 * comments, receipts, edits and removals are counted as ignored. Interactions come out in platform
 * time order, each batch duplicate once.
 */
export function normalizeMetaWebhook(
  payload: unknown,
  directory: BrandDirectory,
  receivedAt: string,
): NormalizeResult {
  // Meta's reference pages show notifications wrapped in an array; webhooks send one object.
  const payloads = Array.isArray(payload) ? payload : [payload];
  const result: NormalizeResult = { interactions: [], ignored: {}, rejected: [] };
  const ignore = (reason: string) => {
    result.ignored[reason] = (result.ignored[reason] ?? 0) + 1;
  };
  const drafts: Array<Draft & { to: ResolvedAccount }> = [];

  for (const body of payloads) {
    if (!isObject(body)) throw new MalformedPayloadError('payload is not a JSON object');
    const object = str(body.object);
    if (object !== 'page' && object !== 'instagram') {
      ignore(`object ${object ?? '(missing)'}`);
      continue;
    }
    if (!Array.isArray(body.entry))
      throw new MalformedPayloadError(`${object} payload without an entry array`);
    const platform: MetaPlatform = object === 'page' ? 'facebook' : 'instagram';

    for (const entry of body.entry) {
      if (!isObject(entry)) {
        result.rejected.push({ reason: 'entry is not an object', event: entry });
        continue;
      }
      const accountId = str(entry.id);
      const to = accountId ? directory.findAccount(platform, accountId) : undefined;
      const entryTime = platformTime(entry.time);
      const items: Array<{ event: unknown; outcome: () => Outcome }> = [];

      for (const change of Array.isArray(entry.changes) ? entry.changes : []) {
        items.push({
          event: change,
          outcome: () => {
            if (!isObject(change) || !isObject(change.value))
              return { reject: 'change without a value object' };
            const field = str(change.field) ?? '(missing)';
            if (platform === 'facebook' && field === 'feed')
              return feedChange(change.value, entryTime, directory);
            if (platform === 'instagram' && field === 'comments')
              return instagramComment(change.value, entryTime, directory);
            if (platform === 'instagram' && field === 'mentions')
              return instagramMention(change.value, entryTime, directory);
            return { ignore: `change ${field}` };
          },
        });
      }
      for (const item of Array.isArray(entry.messaging) ? entry.messaging : []) {
        items.push({
          event: item,
          outcome: () =>
            isObject(item)
              ? messagingItem(item, platform, accountId ?? '', directory)
              : { reject: 'messaging item is not an object' },
        });
      }
      // Handover protocol: messages another app owns right now arrive in `standby`.
      for (const _ of Array.isArray(entry.standby) ? entry.standby : [])
        ignore('standby (another app owns the thread)');

      for (const { event, outcome } of items) {
        const done = outcome();
        if ('ignore' in done) ignore(done.ignore);
        else if ('reject' in done) result.rejected.push({ reason: done.reject, event });
        else if (!to)
          result.rejected.push({
            reason: `entry.id ${accountId ?? '(missing)'} is not a configured ${accountLabel(platform)}`,
            event,
          });
        else drafts.push({ ...done.draft, to });
      }
    }
  }

  const receivedMs = Date.parse(receivedAt);
  const seen = new Set<string>();
  const ordered = drafts
    .map((draft) => ({ ...draft, at: Number.isFinite(draft.at) ? draft.at : receivedMs }))
    .sort((x, y) => x.at - y.at);
  for (const { at, to, ...draft } of ordered) {
    const key = `${draft.platform}:${draft.platformMessageId}`;
    if (seen.has(key)) {
      ignore('duplicate in batch');
      continue;
    }
    seen.add(key);
    const createdAt = new Date(at);
    result.interactions.push({
      ...draft,
      brandId: to.brand.id,
      account: { id: to.account.id, role: to.account.role },
      createdAt: Number.isNaN(createdAt.getTime()) ? receivedAt : createdAt.toISOString(),
      receivedAt,
    });
  }
  return result;
}
