import type { BrandDirectory } from '../../core/brand-config';
import { isObject, MalformedPayloadError, type NormalizeResult } from '../accept';
import {
  count,
  dmConversationId,
  isXaaEnvelope,
  normalizeXaaEvent,
  num,
  postConversationId,
  postUrl,
  str,
  toIso,
} from './normalize-xaa';

/** What the webhook did not turn into an interaction, and why: counted and logged, never silently lost. */
export { MalformedPayloadError, type NormalizeResult };

type Json = Record<string, unknown>;

/** Event kinds that carry customer text: everything else in an Account Activity payload is ignored. */
const ACTED_ON = new Set(['tweet_create_events', 'direct_message_events']);
const ENVELOPE_KEYS = new Set(['for_user_id', 'user_has_blocked', 'users', 'apps', 'source']);

function tweetText(tweet: Json): string {
  const extended = isObject(tweet.extended_tweet) ? str(tweet.extended_tweet.full_text) : undefined;
  return extended ?? str(tweet.full_text) ?? (typeof tweet.text === 'string' ? tweet.text : '');
}

/**
 * Turns what X delivers to `POST /webhooks/x` into interactions: X Activity API events (see
 * normalize-xaa.ts) and, until X retires it, Account Activity API payloads: mentions, replies and
 * quotes of our accounts (long tweets read in full), and direct messages to them. Our own posts,
 * retweets and every other event kind are counted as ignored.
 */
export function normalizeXActivity(
  payload: unknown,
  directory: BrandDirectory,
  receivedAt: string,
): NormalizeResult {
  if (!isObject(payload)) throw new MalformedPayloadError('payload is not a JSON object');
  if (isXaaEnvelope(payload)) return normalizeXaaEvent(payload.data as Json, directory, receivedAt);
  const result: NormalizeResult = { interactions: [], ignored: {}, rejected: [] };
  const ignore = (reason: string, count = 1) => {
    result.ignored[reason] = (result.ignored[reason] ?? 0) + count;
  };

  for (const key of Object.keys(payload)) {
    if (ACTED_ON.has(key) || ENVELOPE_KEYS.has(key)) continue;
    const value = payload[key];
    ignore(key, Array.isArray(value) ? value.length : 1);
  }

  const forUserId = str(payload.for_user_id);
  const hasEvents = ['tweet_create_events', 'direct_message_events'].some((k) => Array.isArray(payload[k]));
  if (!hasEvents) return result;
  const subscribed = forUserId ? directory.findAccount('x', forUserId) : undefined;
  if (!subscribed) {
    for (const key of ACTED_ON) {
      const events = payload[key];
      if (Array.isArray(events)) {
        for (const event of events)
          result.rejected.push({
            reason: `for_user_id ${forUserId ?? '(missing)'} is not a configured X account`,
            event,
          });
      }
    }
    return result;
  }
  const { brand, account } = subscribed;

  const tweets = payload.tweet_create_events;
  if (Array.isArray(tweets)) {
    for (const tweet of tweets) {
      if (!isObject(tweet) || !str(tweet.id_str) || !isObject(tweet.user) || !str(tweet.user.id_str)) {
        result.rejected.push({ reason: 'tweet without id_str or user.id_str', event: tweet });
        continue;
      }
      const user = tweet.user as Json;
      const authorId = str(user.id_str) as string;
      if (directory.isOwnAccount('x', authorId)) {
        ignore('own post');
        continue;
      }
      if (tweet.retweeted_status !== undefined) {
        ignore('retweet');
        continue;
      }
      const id = str(tweet.id_str) as string;
      const inReplyTo = str(tweet.in_reply_to_status_id_str);
      const quotedStatus = isObject(tweet.quoted_status) ? tweet.quoted_status : undefined;
      const quotedId =
        str(tweet.quoted_status_id_str) ?? (quotedStatus ? str(quotedStatus.id_str) : undefined);
      const quoted = tweet.is_quote_status === true || quotedStatus !== undefined;
      const handle = str(user.screen_name);
      const lang = str(tweet.lang);
      const followers = count(user.followers_count);
      result.interactions.push({
        schemaVersion: 1,
        platform: 'x',
        visibility: 'public',
        kind: inReplyTo ? 'reply' : quoted ? 'quote' : 'mention',
        platformMessageId: id,
        brandId: brand.id,
        account: { id: account.id, role: account.role },
        author: {
          id: authorId,
          ...(handle ? { handle } : {}),
          ...(str(user.name) ? { name: str(user.name) } : {}),
          ...(followers !== undefined ? { followers } : {}),
          ...(typeof user.verified === 'boolean' ? { verified: user.verified } : {}),
        },
        text: tweetText(tweet),
        ...(lang && lang !== 'und' ? { lang } : {}),
        createdAt: toIso(num(tweet.timestamp_ms) ?? Date.parse(String(tweet.created_at ?? '')), receivedAt),
        receivedAt,
        conversationId: postConversationId(str(tweet.conversation_id_str), inReplyTo, id),
        ...(inReplyTo ? { inReplyToId: inReplyTo } : {}),
        ...(quotedId
          ? { quoted: { id: quotedId, ...(quotedStatus ? { text: tweetText(quotedStatus) } : {}) } }
          : {}),
        url: postUrl(handle, id),
      });
    }
  }

  const messages = payload.direct_message_events;
  if (Array.isArray(messages)) {
    const users = isObject(payload.users) ? payload.users : {};
    for (const event of messages) {
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
      if (directory.isOwnAccount('x', senderId)) {
        ignore('own direct message');
        continue;
      }
      const to = directory.findAccount('x', recipientId) ?? subscribed;
      const sender = isObject(users[senderId]) ? (users[senderId] as Json) : {};
      const messageData = isObject(create.message_data) ? create.message_data : {};
      const handle = str(sender.screen_name);
      const followers = count(sender.followers_count);
      result.interactions.push({
        schemaVersion: 1,
        platform: 'x',
        visibility: 'private',
        kind: 'dm',
        platformMessageId: id,
        brandId: to.brand.id,
        account: { id: to.account.id, role: to.account.role },
        author: {
          id: senderId,
          ...(handle ? { handle } : {}),
          ...(str(sender.name) ? { name: str(sender.name) } : {}),
          ...(followers !== undefined ? { followers } : {}),
          ...(typeof sender.verified === 'boolean' ? { verified: sender.verified } : {}),
        },
        text: typeof messageData.text === 'string' ? messageData.text : '',
        createdAt: toIso(num(event.created_timestamp), receivedAt),
        receivedAt,
        conversationId: dmConversationId(senderId, recipientId),
      });
    }
  }
  return result;
}
