import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the platforms' send APIs (X API v2 today). The real clients post to it; it
 * records what would have been posted, by which account, so a person or a test can see it.
 */
export interface SentPost {
  platform: 'x';
  kind: 'reply' | 'dm';
  id: string;
  /** Which of our accounts posted it, read from the OAuth access token. */
  accountId: string;
  text: string;
  inReplyToId?: string;
  recipientId?: string;
  at: string;
}

export interface PlatformStandIn {
  url: string;
  sent: SentPost[];
  /** Makes the next `count` requests fail with this status (429 carries x-rate-limit-reset). */
  failNext(status: number, count?: number, resetEpochSeconds?: number): void;
  stop(): Promise<void>;
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

/** X counts a URL as 23 characters whatever its length. */
export function xLength(text: string): number {
  return [...text.replace(/https?:\/\/\S+/g, 'x'.repeat(23))].length;
}

export async function startPlatformStandIn(options: { port?: number } = {}): Promise<PlatformStandIn> {
  const sent: SentPost[] = [];
  const failures: Array<{ status: number; reset?: number }> = [];
  const newId = () => `${Date.now()}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/sent') return reply(response, 200, { sent });
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
    if (xLength(text) > 280)
      return reply(response, 403, { title: 'Forbidden', detail: 'Tweet text is too long', status: 403 });

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
    failNext(status, count = 1, reset) {
      for (let i = 0; i < count; i++) failures.push({ status, ...(reset ? { reset } : {}) });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
