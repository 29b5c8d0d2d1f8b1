import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { META_TEXT_LIMITS } from '../channels/meta/meta-sender';
import { platformLength, replyLimit } from '../core/reply-rules';
import { createPagerDutyStandIn, type PagerDutyStandIn } from './pagerduty-stand-in';
import { createXAdminStandIn, type XAdminStandIn } from './x-admin-stand-in';
import { createXReadStandIn, type XReadStandIn } from './x-read-stand-in';

/**
 * A local stand-in for the platforms' send APIs (X API v2 and the Meta Graph API). The real clients
 * post to it; it records what would have been posted, by which account, so a person or a test can
 * see it.
 */
export interface SentPost {
  platform: 'x' | 'facebook' | 'instagram';
  /**
   * X: `reply` or `dm`. Meta: `comment_reply` (in the comment's thread), `private_reply` (a
   * Messenger/Instagram message answering a public comment) or `message`.
   */
  kind: 'reply' | 'dm' | 'comment_reply' | 'private_reply' | 'message';
  id: string;
  /** Which of our accounts posted it, read from the OAuth access token or the page token. */
  accountId: string;
  text: string;
  /** The post or comment answered (a comment reply, and the comment a private reply answers). */
  inReplyToId?: string;
  recipientId?: string;
  /** Meta messages: `RESPONSE` inside the 24-hour window, `MESSAGE_TAG` outside it. */
  messagingType?: string;
  tag?: string;
  at: string;
}

/** How a simulated failure looks: Graph requests get a Graph error body with this code. */
export interface SimulatedFailure {
  /** X: the `x-rate-limit-reset` of a 429. */
  resetEpochSeconds?: number;
  /** Graph error code; by default derived from the status (429 → 4, 401 → 190, 403 → 10, 5xx → 2, else 100). */
  graphCode?: number;
  graphSubcode?: number;
  message?: string;
}

export interface PlatformStandIn {
  url: string;
  sent: SentPost[];
  /**
   * Makes the next `count` requests fail with this status (X or Graph, whichever comes). A number as
   * the third argument is the X 429's reset time, as before.
   */
  failNext(status: number, count?: number, options?: number | SimulatedFailure): void;
  /**
   * What the Graph API answers for an Instagram mention the webhook named by id (also
   * `POST <stand-in>/instagram/mentions` with the same fields as JSON).
   */
  addInstagramMention(mention: InstagramMentionContent): void;
  /** X's read endpoints (mentions timeline, DM events, recent search) and the posts they serve. */
  xRead: XReadStandIn;
  /** X webhooks, XAA subscriptions, replay and OAuth 2.0 (x-admin-stand-in.ts). */
  xAdmin: XAdminStandIn;
  /** PagerDuty's Events API v2 (`<url>/v2/enqueue`) and the events it took. */
  pagerDuty: PagerDutyStandIn;
  stop(): Promise<void>;
}

export interface InstagramMentionContent {
  mediaId: string;
  /** Set for a mention in a comment; without it, the mention is in the media's caption. */
  commentId?: string;
  text: string;
  username: string;
  /** ISO 8601; default now. */
  timestamp?: string;
}

/** Local OAuth access tokens name the account they belong to: `local-access-<accountId>`. */
export const localXCredentials = (accountId: string) => ({
  apiKey: 'local-api-key',
  apiSecret: 'local-api-secret',
  accessToken: `local-access-${accountId}`,
  accessTokenSecret: 'local-access-secret',
});

function accountOf(request: IncomingMessage): string | undefined {
  const match = /oauth_token="local-access-([^"]+)"/.exec(request.headers.authorization ?? '');
  return match ? decodeURIComponent(match[1] as string) : undefined;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Local page access tokens name the platform and account they belong to. */
export const localMetaToken = (accountId: string, platform: 'facebook' | 'instagram') =>
  `local-page-token:${platform}:${accountId}`;

function metaAccountOf(
  request: IncomingMessage,
  url: URL,
): { platform: 'facebook' | 'instagram'; accountId: string } | undefined {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const token = bearer ?? url.searchParams.get('access_token') ?? '';
  const match = /^local-page-token:(facebook|instagram):(.+)$/.exec(token);
  return match
    ? { platform: match[1] as 'facebook' | 'instagram', accountId: match[2] as string }
    : undefined;
}

/** Graph API errors: `{ error: { message, type, code, error_subcode?, fbtrace_id } }`. */
function graphError(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
  subcode?: number,
  headers: Record<string, string> = {},
) {
  // Graph reports token, permission and rate-limit errors as OAuthException.
  const type = [4, 10, 17, 32, 190, 200, 613].includes(code) ? 'OAuthException' : 'GraphMethodException';
  reply(
    response,
    status,
    {
      error: {
        message,
        type,
        code,
        ...(subcode ? { error_subcode: subcode } : {}),
        fbtrace_id: `local-${randomInt(0, 1_000_000)}`,
      },
    },
    headers,
  );
}

const defaultGraphCode = (status: number) =>
  status === 429 ? 4 : status === 401 ? 190 : status === 403 ? 10 : status >= 500 ? 2 : 100;

export async function startPlatformStandIn(
  options: { port?: number; xConsumerSecret?: string } = {},
): Promise<PlatformStandIn> {
  const sent: SentPost[] = [];
  const xAdmin = createXAdminStandIn({ consumerSecret: options.xConsumerSecret ?? 'local-dev-x-secret' });
  const failures: Array<{ status: number; reset?: number } & SimulatedFailure> = [];
  const newId = () => `${Date.now()}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  const mentions = new Map<string, InstagramMentionContent>();
  /** A mention in a comment is looked up by the comment, one in a caption by the media. */
  const addInstagramMention = (mention: InstagramMentionContent) =>
    mentions.set(mention.commentId ? `comment:${mention.commentId}` : `media:${mention.mediaId}`, mention);

  /** `GET /{ig-user-id}?fields=mentioned_comment.comment_id(…){…}` and `…mentioned_media.media_id(…){…}`. */
  function mentionLookup(response: ServerResponse, url: URL, node: string, accountId: string) {
    if (node !== accountId)
      return graphError(
        response,
        400,
        100,
        `(#100) Unsupported get request: ${node} is not this token's account`,
      );
    const fields = url.searchParams.get('fields') ?? '';
    const comment = /^mentioned_comment\.comment_id\(([^)]+)\)/.exec(fields);
    const media = /^mentioned_media\.media_id\(([^)]+)\)/.exec(fields);
    if (!comment && !media) return graphError(response, 400, 100, 'Unsupported get request.');
    const found = mentions.get(comment ? `comment:${comment[1]}` : `media:${media?.[1]}`);
    if (!found)
      return graphError(response, 400, 100, '(#100) The mention does not exist or cannot be read (stand-in)');
    const timestamp = (found.timestamp ? new Date(found.timestamp) : new Date())
      .toISOString()
      .replace(/\.\d{3}Z$/, '+0000');
    return reply(
      response,
      200,
      comment
        ? {
            mentioned_comment: { id: found.commentId, text: found.text, timestamp, username: found.username },
            id: accountId,
          }
        : {
            mentioned_media: {
              id: found.mediaId,
              caption: found.text,
              timestamp,
              username: found.username,
              permalink: `https://www.instagram.com/p/${found.mediaId}/`,
            },
            id: accountId,
          },
    );
  }

  /** The Graph API send endpoints: comment replies, private replies and messages. */
  async function graph(request: IncomingMessage, response: ServerResponse, url: URL, path: string) {
    const account = metaAccountOf(request, url);
    if (!account)
      return graphError(response, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const failure = failures.shift();
    if (failure) {
      const code = failure.graphCode ?? defaultGraphCode(failure.status);
      // Graph tells how long a throttled page waits in this header (minutes), not in Retry-After.
      const minutes = failure.resetEpochSeconds
        ? Math.max(0, Math.ceil((failure.resetEpochSeconds * 1000 - Date.now()) / 60_000))
        : undefined;
      const usage: Record<string, string> =
        minutes !== undefined && [4, 17, 32, 613].includes(code)
          ? {
              'x-business-use-case-usage': JSON.stringify({
                [account.accountId]: [
                  {
                    type: 'pages',
                    call_count: 100,
                    total_time: 100,
                    estimated_time_to_regain_access: minutes,
                  },
                ],
              }),
            }
          : {};
      return graphError(
        response,
        failure.status,
        code,
        failure.message ?? 'Simulated failure (stand-in)',
        failure.graphSubcode,
        usage,
      );
    }
    const [node, edge] = path.split('/') as [string, string | undefined];
    if (request.method === 'GET' && !edge && account.platform === 'instagram')
      return mentionLookup(response, url, decodeURIComponent(node), account.accountId);
    if (request.method !== 'POST') return graphError(response, 400, 100, 'Unsupported get request.');
    const body = await readJson(request);
    const limits = META_TEXT_LIMITS[account.platform];
    const base = { platform: account.platform, accountId: account.accountId, at: new Date().toISOString() };

    if (edge === 'comments' || edge === 'replies') {
      if ((edge === 'comments') !== (account.platform === 'facebook'))
        return graphError(
          response,
          400,
          100,
          `(#100) Unsupported post request: /${edge} on ${account.platform}`,
        );
      const text = typeof body.message === 'string' ? body.message : '';
      if (!text) return graphError(response, 400, 100, '(#100) The parameter message is required');
      if ([...text].length > limits.comment)
        return graphError(response, 400, 100, '(#100) The comment is too long');
      const id = account.platform === 'facebook' ? `${node.split('_')[0]}_${newId()}` : newId();
      sent.push({ ...base, kind: 'comment_reply', id, text, inReplyToId: node });
      return reply(response, 200, { id });
    }
    if (edge === 'messages') {
      if (node !== 'me' && node !== account.accountId)
        return graphError(response, 403, 200, `(#200) The token does not belong to ${node}`);
      const recipient = (body.recipient ?? {}) as { id?: string; comment_id?: string };
      const message = (body.message ?? {}) as { text?: string };
      const text = typeof message.text === 'string' ? message.text : '';
      if (!text) return graphError(response, 400, 100, '(#100) message.text is required');
      if ([...text].length > limits.message)
        return graphError(
          response,
          400,
          100,
          `(#100) Length of param message[text] must be less than or equal to ${limits.message}`,
        );
      const messageId = `m_${newId()}`;
      if (recipient.comment_id) {
        sent.push({ ...base, kind: 'private_reply', id: messageId, text, inReplyToId: recipient.comment_id });
        return reply(response, 200, {
          recipient_id: `psid-of-${recipient.comment_id}`,
          message_id: messageId,
        });
      }
      if (!recipient.id) return graphError(response, 400, 100, '(#100) The parameter recipient is required');
      const messagingType = typeof body.messaging_type === 'string' ? body.messaging_type : undefined;
      const tag = typeof body.tag === 'string' ? body.tag : undefined;
      if (!messagingType) return graphError(response, 400, 100, '(#100) messaging_type is required');
      if (messagingType === 'MESSAGE_TAG' && !tag)
        return graphError(response, 400, 100, '(#100) A tag is required with messaging_type MESSAGE_TAG');
      sent.push({
        ...base,
        kind: 'message',
        id: messageId,
        text,
        recipientId: recipient.id,
        messagingType,
        ...(tag ? { tag } : {}),
      });
      return reply(response, 200, { recipient_id: recipient.id, message_id: messageId });
    }
    return graphError(response, 400, 100, `(#100) Unsupported post request: /${path}`);
  }

  const xRead = createXReadStandIn({ accountOf });
  const pagerDuty = createPagerDutyStandIn();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (await pagerDuty.handle(request, response, url)) return;
    if (await xRead.handle(request, response, url)) return;
    if (request.method === 'GET' && url.pathname === '/sent') return reply(response, 200, { sent });
    if (request.method === 'POST' && url.pathname === '/instagram/mentions') {
      const body = await readJson(request);
      if (
        typeof body.mediaId !== 'string' ||
        typeof body.text !== 'string' ||
        typeof body.username !== 'string'
      )
        return reply(response, 400, { error: 'mediaId, text and username are required strings' });
      addInstagramMention({
        mediaId: body.mediaId,
        text: body.text,
        username: body.username,
        ...(typeof body.commentId === 'string' ? { commentId: body.commentId } : {}),
        ...(typeof body.timestamp === 'string' ? { timestamp: body.timestamp } : {}),
      });
      return reply(response, 201, { ok: true });
    }
    if (await xAdmin.handle(request, response, url)) return;
    const graphPath = /^\/v\d+\.\d+\/(.+)$/.exec(url.pathname)?.[1];
    if (graphPath) return graph(request, response, url, graphPath);
    const accountId = accountOf(request);
    if (!accountId)
      return reply(response, 401, { title: 'Unauthorized', detail: 'no OAuth 1.0a user token', status: 401 });
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.status === 429
          ? {
              'x-rate-limit-limit': '100',
              'x-rate-limit-remaining': '0',
              'x-rate-limit-reset': String(failure.reset ?? Math.ceil(Date.now() / 1000) + 1),
            }
          : {};
      return reply(
        response,
        failure.status,
        { title: 'Stand-in failure', status: failure.status, detail: 'simulated' },
        headers,
      );
    }
    const body = await readJson(request);
    const text = typeof body.text === 'string' ? body.text : '';
    if (!text)
      return reply(response, 400, { title: 'Invalid Request', detail: 'text is required', status: 400 });
    // A post takes 280 characters, a DM 10,000.
    const visibility = url.pathname === '/2/tweets' ? 'public' : 'private';
    if (platformLength(text, 'x') > replyLimit('x', visibility))
      return reply(response, 403, { title: 'Forbidden', detail: 'Text is too long', status: 403 });

    if (request.method === 'POST' && url.pathname === '/2/tweets') {
      const replyTo = (body.reply as { in_reply_to_tweet_id?: string } | undefined)?.in_reply_to_tweet_id;
      const id = newId();
      sent.push({
        platform: 'x',
        kind: 'reply',
        id,
        accountId,
        text,
        ...(replyTo ? { inReplyToId: replyTo } : {}),
        at: new Date().toISOString(),
      });
      return reply(response, 201, { data: { id, text, edit_history_tweet_ids: [id] } });
    }
    const dm = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/.exec(url.pathname);
    if (request.method === 'POST' && dm) {
      const id = newId();
      const recipientId = dm[1] as string;
      sent.push({
        platform: 'x',
        kind: 'dm',
        id,
        accountId,
        text,
        recipientId,
        at: new Date().toISOString(),
      });
      return reply(response, 201, { dm_conversation_id: `${accountId}-${recipientId}`, dm_event_id: id });
    }
    return reply(response, 404, { title: 'Not Found', status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    failNext(status, count = 1, options) {
      const failure = typeof options === 'number' ? { resetEpochSeconds: options } : (options ?? {});
      const reset = failure.resetEpochSeconds;
      for (let i = 0; i < count; i++) failures.push({ status, ...failure, ...(reset ? { reset } : {}) });
    },
    addInstagramMention,
    xRead,
    xAdmin: xAdmin.standIn,
    pagerDuty,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
