import type { BrandDirectory, ResolvedAccount } from '../../core/brand-config';
import type { AccountEvent, Interaction } from '../../core/interaction';
import { isObject, MalformedPayloadError, type NormalizeResult } from '../accept';

type Json = Record<string, unknown>;

export const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
export const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value)
    ? value
    : typeof value === 'string' && /^\d+$/.test(value)
      ? Number(value)
      : undefined;

/** A follower count the interaction schema accepts (a whole number from 0): anything else is left out. */
export const count = (value: unknown): number | undefined => {
  const n = num(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

export function toIso(ms: number | undefined, fallback: string): string {
  if (ms === undefined) return fallback;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? fallback : date.toISOString();
}

/** The same post's thread key and link whichever way X delivered it (Account Activity, X Activity, polling). */
export const postConversationId = (
  conversationId: string | undefined,
  inReplyTo: string | undefined,
  id: string,
) => `x:${conversationId ?? inReplyTo ?? id}`;
export const postUrl = (handle: string | undefined, id: string) =>
  `https://x.com/${handle ?? 'i'}/status/${id}`;
/** A DM conversation between two users, whichever of them wrote. */
export const dmConversationId = (a: string, b: string) => {
  const [first, second] = [a, b].sort();
  return `x-dm:${first}-${second}`;
};

/** The X Activity API event types that carry a post by someone else addressed to one of our accounts. */
export const XAA_POST_EVENTS = ['post.mention.create', 'post.reply.create', 'post.quote.create'] as const;
/** Legacy (unencrypted) direct messages: received, and sent by our account (possibly from another tool). */
export const XAA_DM_EVENTS = ['dm.received', 'dm.sent'] as const;

/** True for an X Activity API delivery: `{"data": {"event_type": ...}}` (Account Activity payloads have no `data`). */
export const isXaaEnvelope = (payload: Json): boolean =>
  isObject(payload.data) && 'event_type' in payload.data;

/** An X API v2 user object, bare (includes.users[]) or wrapped as `{ data: user }` (dm payload users). */
function v2User(value: unknown): Json {
  if (!isObject(value)) return {};
  return isObject(value.data) ? value.data : value;
}

/** An X API v2 user as the interaction's author (handle, name, followers, verified when given). */
export function authorOf(id: string, user: Json): Interaction['author'] {
  const handle = str(user.username);
  const name = str(user.name);
  const metrics = isObject(user.public_metrics) ? user.public_metrics : {};
  const followers = count(metrics.followers_count);
  return {
    id,
    ...(handle ? { handle } : {}),
    ...(name ? { name } : {}),
    ...(followers !== undefined ? { followers } : {}),
    ...(typeof user.verified === 'boolean' ? { verified: user.verified } : {}),
  };
}

function referenced(post: Json, type: string): string | undefined {
  if (!Array.isArray(post.referenced_tweets)) return undefined;
  const ref = post.referenced_tweets.find((r) => isObject(r) && r.type === type);
  return isObject(ref) ? str(ref.id) : undefined;
}

/** A v2 post's full text: long posts carry it in note_tweet. */
export function v2PostText(post: Json): string {
  const note = isObject(post.note_tweet) ? str(post.note_tweet.text) : undefined;
  return note ?? (typeof post.text === 'string' ? post.text : '');
}

/**
 * One X API v2 post addressed to one of our accounts (an XAA post event's payload, or a post from the
 * mentions timeline when polling, with the response's `includes`) as an interaction: keyed by the post
 * id, so every path that brings the same post brings the same message.
 */
export function interactionFromV2Post(
  post: Json | undefined,
  includes: Json,
  subscribed: ResolvedAccount,
  directory: BrandDirectory,
  receivedAt: string,
): { interaction: Interaction } | { ignored: string } | { rejected: string } {
  const id = post ? str(post.id) : undefined;
  const authorId = post ? str(post.author_id) : undefined;
  if (!post || !id || !authorId) return { rejected: 'without payload.id or payload.author_id' };
  if (directory.isOwnAccount('x', authorId)) return { ignored: 'own post' };
  if (referenced(post, 'retweeted')) return { ignored: 'retweet' };
  const users = Array.isArray(includes.users) ? includes.users.map(v2User) : [];
  const tweets = Array.isArray(includes.tweets) ? includes.tweets.filter(isObject) : [];
  const author = authorOf(authorId, users.find((u) => u.id === authorId) ?? {});
  const inReplyTo = str(post.in_reply_to_tweet_id) ?? referenced(post, 'replied_to');
  const quotedId = referenced(post, 'quoted');
  const quotedPost = quotedId ? tweets.find((t) => t.id === quotedId) : undefined;
  const lang = str(post.lang);
  const created = Date.parse(String(post.created_at ?? ''));
  return {
    interaction: {
      schemaVersion: 1,
      platform: 'x',
      visibility: 'public',
      // Decided by the post itself, not the event type, so AAA and XAA deliveries of one post agree.
      kind: inReplyTo ? 'reply' : quotedId ? 'quote' : 'mention',
      platformMessageId: id,
      brandId: subscribed.brand.id,
      account: { id: subscribed.account.id, role: subscribed.account.role },
      author,
      text: v2PostText(post),
      ...(lang && lang !== 'und' ? { lang } : {}),
      createdAt: toIso(Number.isNaN(created) ? undefined : created, receivedAt),
      receivedAt,
      conversationId: postConversationId(str(post.conversation_id), inReplyTo, id),
      ...(inReplyTo ? { inReplyToId: inReplyTo } : {}),
      ...(quotedId
        ? { quoted: { id: quotedId, ...(quotedPost ? { text: v2PostText(quotedPost) } : {}) } }
        : {}),
      url: postUrl(author.handle, id),
    },
  };
}

/**
 * Turns one X Activity API (XAA) webhook delivery into interactions (mentions, replies, quotes with the
 * quoted post's text, legacy DMs both ways, encrypted chats as a notice) or an account event
 * (oauth.revoke). Every other event type is counted as ignored. Ids are the platform's own post and DM
 * event ids, exactly as the Account Activity normalizer uses them, so one post arriving both ways is one
 * message.
 */
export function normalizeXaaEvent(
  data: Json,
  directory: BrandDirectory,
  receivedAt: string,
): NormalizeResult {
  const result: NormalizeResult = { interactions: [], ignored: {}, rejected: [], accountEvents: [] };
  const ignore = (reason: string) => {
    result.ignored[reason] = (result.ignored[reason] ?? 0) + 1;
  };
  const eventType = str(data.event_type);
  if (!eventType) throw new MalformedPayloadError('X Activity event without data.event_type');
  const payload = isObject(data.payload) ? data.payload : undefined;
  const includes = isObject(data.includes) ? data.includes : {};
  const filterUser = isObject(data.filter) ? str(data.filter.user_id) : undefined;
  const subscribedTo = () => {
    const found = filterUser ? directory.findAccount('x', filterUser) : undefined;
    if (!found) {
      result.rejected.push({
        reason: `${eventType}: filter.user_id ${filterUser ?? '(missing)'} is not a configured X account`,
        event: data,
      });
    }
    return found;
  };

  if ((XAA_POST_EVENTS as readonly string[]).includes(eventType)) {
    const subscribed = subscribedTo();
    if (!subscribed) return result;
    const outcome = interactionFromV2Post(payload, includes, subscribed, directory, receivedAt);
    if ('interaction' in outcome) result.interactions.push(outcome.interaction);
    else if ('ignored' in outcome) ignore(outcome.ignored);
    else result.rejected.push({ reason: `${eventType} ${outcome.rejected}`, event: data });
    return result;
  }

  if ((XAA_DM_EVENTS as readonly string[]).includes(eventType)) {
    const subscribed = subscribedTo();
    if (!subscribed) return result;
    const events =
      payload && Array.isArray(payload.direct_message_events) ? payload.direct_message_events : undefined;
    if (!events) {
      result.rejected.push({ reason: `${eventType} without payload.direct_message_events`, event: data });
      return result;
    }
    const users = payload && isObject(payload.users) ? payload.users : {};
    for (const event of events) {
      if (!isObject(event)) {
        result.rejected.push({ reason: 'direct message event is not an object', event });
        continue;
      }
      if (event.type !== 'message_create') {
        ignore(`direct message ${String(event.type)}`);
        continue;
      }
      const create = isObject(event.message_create) ? event.message_create : undefined;
      const senderId = create ? str(create.sender_id) : undefined;
      const recipientId = create && isObject(create.target) ? str(create.target.recipient_id) : undefined;
      const id = str(event.id);
      if (!create || !senderId || !recipientId || !id) {
        result.rejected.push({ reason: 'direct message without id, sender_id or recipient_id', event });
        continue;
      }
      const messageData = isObject(create.message_data) ? create.message_data : {};
      const text = typeof messageData.text === 'string' ? messageData.text : '';
      const createdAt = toIso(num(event.created_timestamp), receivedAt);
      const ours = directory.findAccount('x', senderId);
      if (ours) {
        if (directory.isOwnAccount('x', recipientId)) {
          ignore('direct message between our own accounts');
          continue;
        }
        // Sent by one of our accounts (from X's app or another tool; our own sends come back here too
        // and are recognised by their id): recorded on the customer's case as ours.
        const recipient = authorOf(recipientId, v2User(users[recipientId]));
        result.interactions.push({
          schemaVersion: 1,
          platform: 'x',
          visibility: 'private',
          kind: 'dm',
          direction: 'outbound',
          platformMessageId: id,
          brandId: ours.brand.id,
          account: { id: ours.account.id, role: ours.account.role },
          author: { id: senderId, handle: ours.account.handle },
          recipient: { id: recipientId, ...(recipient.handle ? { handle: recipient.handle } : {}) },
          text,
          createdAt,
          receivedAt,
          conversationId: dmConversationId(senderId, recipientId),
        });
        continue;
      }
      const to = directory.findAccount('x', recipientId) ?? subscribed;
      result.interactions.push({
        schemaVersion: 1,
        platform: 'x',
        visibility: 'private',
        kind: 'dm',
        platformMessageId: id,
        brandId: to.brand.id,
        account: { id: to.account.id, role: to.account.role },
        author: authorOf(senderId, v2User(users[senderId])),
        text,
        createdAt,
        receivedAt,
        conversationId: dmConversationId(senderId, recipientId),
      });
    }
    return result;
  }

  if (eventType === 'chat.received') {
    const subscribed = subscribedTo();
    if (!subscribed) return result;
    const id = payload ? str(payload.id) : undefined;
    const senderId = payload ? str(payload.sender_id) : undefined;
    if (!payload || !id || !senderId) {
      result.rejected.push({ reason: 'chat.received without payload.id or payload.sender_id', event: data });
      return result;
    }
    if (directory.isOwnAccount('x', senderId)) {
      ignore('own chat message');
      return result;
    }
    const handle = subscribed.account.handle;
    result.interactions.push({
      schemaVersion: 1,
      platform: 'x',
      visibility: 'private',
      kind: 'dm',
      platformMessageId: id,
      brandId: subscribed.brand.id,
      account: { id: subscribed.account.id, role: subscribed.account.role },
      author: { id: senderId },
      // X Chat is end-to-end encrypted: the webhook carries ciphertext only, which we cannot read.
      text: `[Encrypted X Chat message: it cannot be read here] Read and answer it in X's app (Chat) as @${handle}.`,
      createdAt: toIso(num(payload.created_at_msec), receivedAt),
      receivedAt,
      conversationId: `x-chat:${str(payload.conversation_id) ?? senderId}`,
    });
    return result;
  }

  if (eventType === 'oauth.revoke') {
    // filter is empty for this event: the account is payload.user_id.
    const userId = payload ? str(payload.user_id) : undefined;
    const found = userId ? directory.findAccount('x', userId) : undefined;
    if (!found || !userId) {
      ignore('oauth.revoke by an account that is not ours');
      return result;
    }
    const at = Date.parse(String(payload?.date_time ?? ''));
    const occurredAt = Number.isNaN(at) ? receivedAt : new Date(at).toISOString();
    const event: AccountEvent = {
      schemaVersion: 1,
      type: 'account_event',
      event: 'authorization_revoked',
      platform: 'x',
      platformEventId: str(data.event_uuid) ?? `oauth.revoke:${userId}:${occurredAt}`,
      brandId: found.brand.id,
      account: { id: found.account.id, role: found.account.role },
      occurredAt,
      receivedAt,
    };
    result.accountEvents?.push(event);
    return result;
  }

  ignore(eventType);
  return result;
}
