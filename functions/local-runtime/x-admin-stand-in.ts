import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerXCrc, signXPayload } from '../channels/x/signature';
import { codeChallengeS256 } from '../core/x-admin/pkce';

/** The app-only bearer token the stand-in accepts (X: from the developer portal). */
export const LOCAL_X_APP_BEARER = 'local-app-bearer-token';
/** The stand-in's OAuth 2.0 client (X: the app's client id). */
export const LOCAL_X_CLIENT_ID = 'local-oauth2-client-id';

interface StandInWebhook {
  id: string;
  url: string;
  valid: boolean;
  created_at: string;
}

interface StandInSubscription {
  subscription_id: string;
  event_type: string;
  filter: { user_id?: string };
  tag?: string;
  webhook_id?: string;
  created_at: string;
  updated_at: string;
}

/** An event X had for the app: delivered when a webhook was valid, kept for replay either way. */
interface RecordedEvent {
  at: number;
  body: string;
  delivered: boolean;
}

/** The X webhook, XAA subscription, replay and OAuth 2.0 parts of the stand-in, for tests and people. */
export interface XAdminStandIn {
  webhooks(): StandInWebhook[];
  subscriptions(): StandInSubscription[];
  /**
   * An event X has for the app: POSTed (signed) to every valid webhook, and kept for replay. Resolves
   * to how many webhooks took it (answered 2xx). Also `POST <stand-in>/x/events` with the raw body.
   */
  deliver(body: string | object): Promise<number>;
  /** X marks the webhook invalid (as after a failed hourly CRC); nothing is delivered to it then. */
  invalidateWebhook(id: string): void;
  /** The next `count` CRC checks X makes are failed as if our endpoint answered wrong. */
  failCrc(count?: number): void;
  /** The next `count` replay requests fail with this status. */
  failReplay(status: number, count?: number): void;
  /** Replays asked for, with the window as X got it. */
  replays: Array<{ webhookId: string; fromDate: string; toDate: string; jobId: string; redelivered: number }>;
  /** Resolves when every replay asked for so far has been delivered. */
  replaysDone(): Promise<void>;
  /** Token endpoint calls, by grant type, and refresh tokens X refused. */
  tokenCalls: Array<{ grantType: string; ok: boolean }>;
  /** Access tokens X was shown (Bearer) on any call, to see which token a client used. */
  accessTokensSeen: Set<string>;
  /** Seconds an access token lives (X: 7200). */
  setAccessTokenLifetime(seconds: number): void;
}

type Json = Record<string, unknown>;

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Answers with X's problem shape; true, for the router's "handled". */
function problem(response: ServerResponse, status: number, type: string, detail: string): true {
  send(response, status, {
    errors: [{ message: detail, type: `https://api.x.com/2/problems/${type}` }],
    title: type,
    detail,
    type: `https://api.x.com/2/problems/${type}`,
    status,
  });
  return true;
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const PRIVATE_EVENTS =
  /^(post\.(mention|reply|quote|repost)\.create|dm\.|chat\.|like\.|mute\.|block\.|broadcast\.chat)/;

/** yyyymmddhhmm (UTC) → epoch ms. */
function parseReplayDate(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{12}$/.test(text)) return undefined;
  const [y, m, d, h, min] = [
    text.slice(0, 4),
    text.slice(4, 6),
    text.slice(6, 8),
    text.slice(8, 10),
    text.slice(10, 12),
  ];
  const at = Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h), Number(min));
  return Number.isNaN(at) ? undefined : at;
}

/**
 * X's `/2/webhooks` (with the CRC call back to the webhook on registration and on PUT), `/2/webhooks/replay`
 * (re-delivers recorded events, signed with the consumer secret), `/2/activity/subscriptions` (private
 * events only with the filtered user's own OAuth 2.0 token), `/i/oauth2/authorize` (approves at once,
 * as the account named by the stand-in-only `account` parameter) and `/2/oauth2/token` (PKCE S256,
 * refresh tokens rotated: a spent one is refused with invalid_grant).
 */
export function createXAdminStandIn(options: { consumerSecret: string }) {
  const webhooks = new Map<string, StandInWebhook>();
  const subscriptions = new Map<string, StandInSubscription>();
  const events: RecordedEvent[] = [];
  const codes = new Map<
    string,
    { account: string; challenge: string; redirectUri: string; clientId: string }
  >();
  const accessTokens = new Map<string, { account: string; expiresAt: number }>();
  const refreshTokens = new Map<string, string>();
  const pendingReplays: Promise<void>[] = [];
  let crcFailures = 0;
  const replayFailures: number[] = [];
  let accessTokenLifetime = 7200;
  const newId = () => `${Date.now()}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;

  async function crc(url: string): Promise<boolean> {
    if (crcFailures > 0) {
      crcFailures--;
      return false;
    }
    const token = randomBytes(12).toString('base64url');
    try {
      const target = new URL(url);
      target.searchParams.set('crc_token', token);
      const response = await fetch(target, { signal: AbortSignal.timeout(3000) });
      const body = (await response.json().catch(() => ({}))) as Json;
      return response.ok && body.response_token === answerXCrc(options.consumerSecret, token).response_token;
    } catch {
      return false;
    }
  }

  async function post(webhook: StandInWebhook, body: string): Promise<boolean> {
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-twitter-webhooks-signature': signXPayload(options.consumerSecret, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  async function deliver(input: string | object): Promise<number> {
    const body = typeof input === 'string' ? input : JSON.stringify(input);
    const event: RecordedEvent = { at: Date.now(), body, delivered: false };
    events.push(event);
    let taken = 0;
    for (const webhook of webhooks.values()) if (webhook.valid && (await post(webhook, body))) taken++;
    event.delivered = taken > 0;
    return taken;
  }

  const bearerOf = (request: IncomingMessage) =>
    /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];

  function issue(account: string) {
    const accessToken = `local-oauth2-access-${account}-${randomBytes(9).toString('base64url')}`;
    const refreshToken = `local-oauth2-refresh-${account}-${randomBytes(9).toString('base64url')}`;
    accessTokens.set(accessToken, { account, expiresAt: Date.now() + accessTokenLifetime * 1000 });
    refreshTokens.set(refreshToken, account);
    return {
      token_type: 'bearer',
      expires_in: accessTokenLifetime,
      access_token: accessToken,
      refresh_token: refreshToken,
      scope: 'tweet.read tweet.write users.read dm.read dm.write offline.access',
    };
  }

  async function token(request: IncomingMessage, response: ServerResponse) {
    const form = new URLSearchParams(await readText(request));
    const grantType = form.get('grant_type') ?? '';
    const refuse = (error: string, description: string) => {
      standIn.tokenCalls.push({ grantType, ok: false });
      send(response, 400, { error, error_description: description });
    };
    if (form.get('client_id') !== LOCAL_X_CLIENT_ID)
      return refuse('invalid_client', 'Missing valid authorization header');
    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      if (!code) return refuse('invalid_grant', 'Value passed for the authorization code was invalid.');
      codes.delete(form.get('code') ?? '');
      if (code.redirectUri !== form.get('redirect_uri'))
        return refuse('invalid_grant', 'redirect_uri does not match');
      if (codeChallengeS256(form.get('code_verifier') ?? '') !== code.challenge)
        return refuse('invalid_grant', 'code_verifier does not match the code_challenge');
      standIn.tokenCalls.push({ grantType, ok: true });
      return send(response, 200, issue(code.account));
    }
    if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const account = refreshTokens.get(presented);
      if (!account) return refuse('invalid_grant', 'Value passed for the token was invalid.');
      // Rotation: the refresh token is spent by this call, whatever happens to the answer.
      refreshTokens.delete(presented);
      standIn.tokenCalls.push({ grantType, ok: true });
      return send(response, 200, issue(account));
    }
    return refuse('unsupported_grant_type', `grant_type ${grantType} is not supported`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (method === 'POST' && path === '/x/events') {
      const taken = await deliver(await readText(request));
      send(response, 202, { delivered: taken });
      return true;
    }
    if (method === 'GET' && path === '/i/oauth2/authorize') {
      const p = url.searchParams;
      const account = p.get('account');
      const redirect = p.get('redirect_uri');
      if (
        !redirect ||
        p.get('response_type') !== 'code' ||
        p.get('code_challenge_method') !== 'S256' ||
        !p.get('code_challenge')
      ) {
        send(response, 400, {
          error: 'invalid_request',
          detail: 'response_type=code, redirect_uri and an S256 code_challenge are required',
        });
        return true;
      }
      if (!account) {
        send(response, 400, {
          error: 'invalid_request',
          detail: 'stand-in: add &account=<X user id> to say who authorizes',
        });
        return true;
      }
      const code = randomBytes(12).toString('base64url');
      codes.set(code, {
        account,
        challenge: p.get('code_challenge') as string,
        redirectUri: redirect,
        clientId: p.get('client_id') ?? '',
      });
      const target = new URL(redirect);
      target.searchParams.set('code', code);
      if (p.get('state')) target.searchParams.set('state', p.get('state') as string);
      response.writeHead(302, { location: target.toString() });
      response.end();
      return true;
    }
    if (method === 'POST' && path === '/2/oauth2/token') {
      await token(request, response);
      return true;
    }
    if (!path.startsWith('/2/webhooks') && !path.startsWith('/2/activity/subscriptions')) return false;

    const bearer = bearerOf(request);
    if (bearer) standIn.accessTokensSeen.add(bearer);
    const user = bearer ? accessTokens.get(bearer) : undefined;
    if (user && user.expiresAt <= Date.now()) {
      send(response, 401, { title: 'Unauthorized', detail: 'the access token expired', status: 401 });
      return true;
    }
    if (bearer !== LOCAL_X_APP_BEARER && !user) {
      send(response, 401, {
        title: 'Unauthorized',
        detail: 'Unauthorized',
        status: 401,
        type: 'about:blank',
      });
      return true;
    }
    const appOnly = () => {
      if (bearer === LOCAL_X_APP_BEARER) return true;
      problem(
        response,
        403,
        'unsupported-authentication',
        'This endpoint requires OAuth 2.0 Application-Only',
      );
      return false;
    };

    if (path === '/2/webhooks' && method === 'GET') {
      if (!appOnly()) return true;
      const data = [...webhooks.values()];
      send(response, 200, { data, meta: { result_count: data.length } });
      return true;
    }
    if (path === '/2/webhooks' && method === 'POST') {
      const body = JSON.parse((await readText(request)) || '{}') as Json;
      const target = typeof body.url === 'string' ? body.url : '';
      if (!/^https?:\/\//.test(target))
        return problem(response, 400, 'UrlValidationFailed', 'url is not valid');
      if ([...webhooks.values()].some((w) => w.url === target))
        return problem(response, 400, 'DuplicateUrlFailed', 'A webhook is already registered for this URL');
      if (!(await crc(target)))
        return problem(
          response,
          400,
          'CrcValidationFailed',
          'The callback URL did not answer the CRC correctly',
        );
      const webhook = { id: newId(), url: target, valid: true, created_at: new Date().toISOString() };
      webhooks.set(webhook.id, webhook);
      send(response, 200, { data: webhook });
      return true;
    }
    if (path === '/2/webhooks/replay' && method === 'POST') {
      if (!appOnly()) return true;
      const failure = replayFailures.shift();
      if (failure) return problem(response, failure, 'ReplayFailed', 'Simulated replay failure (stand-in)');
      const body = JSON.parse((await readText(request)) || '{}') as Json;
      const webhook = webhooks.get(String(body.webhook_id ?? ''));
      const from = parseReplayDate(body.from_date);
      const to = parseReplayDate(body.to_date);
      if (!webhook) return problem(response, 400, 'WebhookIdInvalid', 'webhook_id not found');
      if (from === undefined || to === undefined || from > to)
        return problem(
          response,
          400,
          'InvalidRequest',
          'from_date and to_date: yyyymmddhhmm, from before to',
        );
      if (from < Date.now() - 24 * 3600_000 - 60_000)
        return problem(response, 400, 'InvalidRequest', 'from_date is more than 24 hours ago');
      if (!webhook.valid) return problem(response, 400, 'WebhookInvalid', 'the webhook is not valid');
      const jobId = newId();
      const record = {
        webhookId: webhook.id,
        fromDate: String(body.from_date),
        toDate: String(body.to_date),
        jobId,
        redelivered: 0,
      };
      standIn.replays.push(record);
      const window = events.filter((e) => e.at >= from && e.at < to + 60_000);
      pendingReplays.push(
        (async () => {
          for (const event of window) if (await post(webhook, event.body)) record.redelivered++;
        })(),
      );
      send(response, 200, { data: { job_id: jobId, created_at: new Date().toISOString() } });
      return true;
    }
    const webhookPath = /^\/2\/webhooks\/(\d+)$/.exec(path);
    if (webhookPath) {
      const webhook = webhooks.get(webhookPath[1] as string);
      if (!webhook) return problem(response, 400, 'WebhookIdInvalid', 'webhook_id not found');
      if (method === 'DELETE') {
        webhooks.delete(webhook.id);
        for (const [id, s] of subscriptions) if (s.webhook_id === webhook.id) subscriptions.delete(id);
        send(response, 200, { data: { deleted: true } });
        return true;
      }
      if (method === 'PUT') {
        webhook.valid = await crc(webhook.url);
        if (!webhook.valid)
          return problem(
            response,
            400,
            'CrcValidationFailed',
            'The callback URL did not answer the CRC correctly',
          );
        send(response, 200, { data: { valid: true } });
        return true;
      }
    }
    if (path === '/2/activity/subscriptions' && method === 'GET') {
      const data = [...subscriptions.values()];
      send(response, 200, { data, meta: { total_subscriptions: data.length } });
      return true;
    }
    if (path === '/2/activity/subscriptions' && method === 'POST') {
      const body = JSON.parse((await readText(request)) || '{}') as Json;
      const eventType = typeof body.event_type === 'string' ? body.event_type : '';
      const filter = (body.filter ?? {}) as { user_id?: string };
      if (!eventType) return problem(response, 400, 'InvalidRequest', 'event_type is required');
      if (PRIVATE_EVENTS.test(eventType) && user?.account !== filter.user_id)
        return problem(
          response,
          403,
          'client-forbidden',
          `${eventType} is a private event: it needs the user's own OAuth 2.0 token`,
        );
      if (body.webhook_id !== undefined && !webhooks.has(String(body.webhook_id)))
        return problem(response, 400, 'WebhookIdInvalid', 'webhook_id not found');
      const duplicate = [...subscriptions.values()].find(
        (s) =>
          s.event_type === eventType &&
          s.filter.user_id === filter.user_id &&
          s.webhook_id === body.webhook_id,
      );
      if (duplicate) return problem(response, 409, 'DuplicateSubscription', 'this subscription exists');
      const now = new Date().toISOString();
      const subscription: StandInSubscription = {
        subscription_id: newId(),
        event_type: eventType,
        filter: filter.user_id ? { user_id: filter.user_id } : {},
        ...(typeof body.tag === 'string' ? { tag: body.tag } : {}),
        ...(typeof body.webhook_id === 'string' ? { webhook_id: body.webhook_id } : {}),
        created_at: now,
        updated_at: now,
      };
      subscriptions.set(subscription.subscription_id, subscription);
      send(response, 200, { data: { subscription }, meta: { total_subscriptions: subscriptions.size } });
      return true;
    }
    const subscriptionPath = /^\/2\/activity\/subscriptions\/(\d+)$/.exec(path);
    if (subscriptionPath && method === 'DELETE') {
      if (!appOnly()) return true;
      const deleted = subscriptions.delete(subscriptionPath[1] as string);
      if (!deleted) return problem(response, 404, 'NotFound', 'subscription not found');
      send(response, 200, { data: { deleted: true }, meta: { total_subscriptions: subscriptions.size } });
      return true;
    }
    send(response, 404, { title: 'Not Found', status: 404 });
    return true;
  }

  const standIn: XAdminStandIn = {
    webhooks: () => [...webhooks.values()].map((w) => ({ ...w })),
    subscriptions: () => [...subscriptions.values()],
    deliver,
    invalidateWebhook(id) {
      const webhook = webhooks.get(id);
      if (webhook) webhook.valid = false;
    },
    failCrc(count = 1) {
      crcFailures += count;
    },
    failReplay(status, count = 1) {
      for (let i = 0; i < count; i++) replayFailures.push(status);
    },
    replays: [],
    replaysDone: async () => {
      await Promise.all(pendingReplays);
    },
    tokenCalls: [],
    accessTokensSeen: new Set(),
    setAccessTokenLifetime(seconds) {
      accessTokenLifetime = seconds;
    },
  };
  return { standIn, handle };
}
