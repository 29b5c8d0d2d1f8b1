import type { BrandDirectory, ResolvedAccount } from '../../core/brand-config';
import type { Interaction } from '../../core/interaction';
import { isObject } from '../accept';
import { authorOf, dmConversationId, interactionFromV2Post, str, toIso } from './normalize-xaa';

/**
 * X API v2 read responses (the mentions timeline, recent search, DM events) as interactions, in the
 * same shape and under the same ids as the Account Activity webhook's (normalize.ts): the post id or
 * the DM event id is the platformMessageId, the conversation is `x:<conversation id>` or
 * `x-dm:<lower id>-<higher id>`, so one post reaching us by webhook and by polling is one message.
 */

type Json = Record<string, unknown>;

export interface V2Normalized {
  interactions: Interaction[];
  /** Every post or event id on the page, newest first, including the ones ignored. */
  ids: string[];
  ignored: Record<string, number>;
}

function usersById(body: Json): Map<string, Json> {
  const includes = isObject(body.includes) ? body.includes : {};
  const users = Array.isArray(includes.users) ? includes.users : [];
  return new Map(users.filter(isObject).map((u) => [String(u.id), u as Json]));
}

/**
 * Posts of the mentions timeline (addressed to `to`) or of a keyword search (`listening`: addressed to
 * nobody; the brand's care account takes the case). Our own posts and reposts are ignored; so are search
 * hits that mention one of our accounts, which the mentions path brings.
 */
export function normalizeV2Posts(
  body: unknown,
  to: ResolvedAccount,
  directory: BrandDirectory,
  receivedAt: string,
  options: { listening?: boolean } = {},
): V2Normalized {
  const result: V2Normalized = { interactions: [], ids: [], ignored: {} };
  const ignore = (reason: string) => {
    result.ignored[reason] = (result.ignored[reason] ?? 0) + 1;
  };
  if (!isObject(body) || !Array.isArray(body.data)) return result;
  const includes = isObject(body.includes) ? body.includes : {};
  for (const post of body.data) {
    if (!isObject(post) || !str(post.id)) {
      ignore('post without id');
      continue;
    }
    const id = str(post.id) as string;
    result.ids.push(id);
    const entities = isObject(post.entities) ? post.entities : {};
    const mentions = Array.isArray(entities.mentions) ? entities.mentions.filter(isObject) : [];
    if (
      options.listening &&
      mentions.some(
        (m) =>
          (str(m.id) && directory.isOwnAccount('x', str(m.id) as string)) ||
          directory.allBrands.some((b) =>
            b.accounts.some(
              (a) => a.platform === 'x' && a.handle.toLowerCase() === String(m.username ?? '').toLowerCase(),
            ),
          ),
      )
    ) {
      ignore('mentions our account: comes as a mention');
      continue;
    }
    // The same interaction as the X Activity API's for this post: one post, one message, however it came.
    const read = interactionFromV2Post(post, includes, to, directory, receivedAt);
    if ('rejected' in read) ignore('post without id or author_id');
    else if ('ignored' in read) ignore(read.ignored);
    else
      result.interactions.push({
        ...read.interaction,
        ...(options.listening ? { source: 'listening' as const } : {}),
      });
  }
  return result;
}

/** DM events of `GET /2/dm_events` for one of our accounts: messages to it; what we sent is ignored. */
export function normalizeV2DmEvents(
  body: unknown,
  to: ResolvedAccount,
  directory: BrandDirectory,
  receivedAt: string,
): V2Normalized {
  const result: V2Normalized = { interactions: [], ids: [], ignored: {} };
  const ignore = (reason: string) => {
    result.ignored[reason] = (result.ignored[reason] ?? 0) + 1;
  };
  if (!isObject(body) || !Array.isArray(body.data)) return result;
  const users = usersById(body);
  for (const event of body.data) {
    if (!isObject(event) || !str(event.id)) {
      ignore('dm event without id');
      continue;
    }
    const id = str(event.id) as string;
    result.ids.push(id);
    if (event.event_type !== 'MessageCreate') {
      ignore(`dm event ${String(event.event_type)}`);
      continue;
    }
    const senderId = str(event.sender_id);
    if (!senderId) {
      ignore('dm event without sender_id');
      continue;
    }
    if (directory.isOwnAccount('x', senderId)) {
      ignore('own direct message');
      continue;
    }
    result.interactions.push({
      schemaVersion: 1,
      platform: 'x',
      visibility: 'private',
      kind: 'dm',
      platformMessageId: id,
      brandId: to.brand.id,
      account: { id: to.account.id, role: to.account.role },
      author: authorOf(senderId, users.get(senderId) ?? {}),
      text: typeof event.text === 'string' ? event.text : '',
      createdAt: toIso(Date.parse(String(event.created_at ?? '')), receivedAt),
      receivedAt,
      conversationId: dmConversationId(senderId, to.account.id),
    });
  }
  return result;
}
