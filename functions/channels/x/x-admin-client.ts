import {
  type NewXSubscription,
  type TokenResponse,
  type XAdminApi,
  XApiError,
  type XSubscription,
  type XTokenEndpoint,
  type XWebhook,
} from '../../core/x-admin/ports';

/** X API v2's base URL; tests and the local runtime aim it elsewhere (X_API_BASE_URL). */
export const X_API_BASE_URL = 'https://api.x.com';

/** X_API_BASE_URL from the environment, else X itself. */
export function xApiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.X_API_BASE_URL || X_API_BASE_URL).replace(/\/+$/, '');
}

/** Where the account's owner authorizes the app: X's page, or the stand-in's for any other base. */
export function xAuthorizeUrl(apiBaseUrl: string): string {
  return apiBaseUrl === X_API_BASE_URL
    ? 'https://x.com/i/oauth2/authorize'
    : `${apiBaseUrl}/i/oauth2/authorize`;
}

type Json = Record<string, unknown>;

async function readBody(response: Response): Promise<Json> {
  const text = await response.text();
  if (!text) return {};
  try {
    return JSON.parse(text) as Json;
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

/** X's errors come as `{title, detail, type}`, `{errors:[{message}]}` or OAuth's `{error, error_description}`. */
function errorFrom(what: string, status: number, body: Json): XApiError {
  const errors = Array.isArray(body.errors) ? (body.errors as Json[]) : [];
  const first = errors[0] ?? {};
  const reason =
    (typeof body.error === 'string' && body.error) ||
    (typeof first.type === 'string' && first.type.split('/').pop()) ||
    (typeof body.type === 'string' && body.type.split('/').pop()) ||
    (typeof body.title === 'string' && body.title) ||
    undefined;
  const detail =
    (typeof body.error_description === 'string' && body.error_description) ||
    (typeof first.message === 'string' && first.message) ||
    (typeof body.detail === 'string' && body.detail) ||
    (typeof body.title === 'string' && body.title) ||
    '';
  return new XApiError(`${what}: X answered ${status}${detail ? ` (${detail})` : ''}`, status, reason);
}

function subscriptionFrom(raw: Json): XSubscription {
  const filter = (raw.filter ?? {}) as Json;
  return {
    subscriptionId: String(raw.subscription_id ?? raw.id ?? ''),
    eventType: String(raw.event_type ?? ''),
    ...(typeof filter.user_id === 'string' ? { userId: filter.user_id } : {}),
    ...(typeof raw.webhook_id === 'string' ? { webhookId: raw.webhook_id } : {}),
    ...(typeof raw.tag === 'string' ? { tag: raw.tag } : {}),
  };
}

function webhookFrom(raw: Json): XWebhook {
  return {
    id: String(raw.id ?? ''),
    url: String(raw.url ?? ''),
    valid: raw.valid === true,
    ...(typeof raw.created_at === 'string' ? { createdAt: raw.created_at } : {}),
  };
}

/** yyyymmddhhmm in UTC, as the replay endpoint wants its dates. */
export function replayTimestamp(date: Date): string {
  return date.toISOString().replace(/[-T:]/g, '').slice(0, 12);
}

/**
 * X's webhook (`/2/webhooks`), X Activity API subscription (`/2/activity/subscriptions`) and OAuth 2.0
 * token (`/2/oauth2/token`) endpoints on plain fetch. Not X's TypeScript SDK (@xdevplatform/xdk): it
 * is one 300 KB bundle of every endpoint group that esbuild cannot shake, for the nine calls made
 * here, and a 0.x API; these few calls are clearer written out, and the base URL is ours to set.
 */
export class XAdminClient implements XAdminApi, XTokenEndpoint {
  private readonly base: string;
  constructor(
    private readonly options: {
      apiBaseUrl?: string;
      /** The app-only bearer token (webhooks, listing and deleting subscriptions). */
      bearerToken: () => Promise<string>;
      /** OAuth 2.0 client id, and the secret of a confidential client (Basic auth on the token endpoint). */
      clientId?: () => Promise<string>;
      clientSecret?: () => Promise<string | undefined>;
      fetch?: typeof fetch;
    },
  ) {
    this.base = (options.apiBaseUrl ?? X_API_BASE_URL).replace(/\/+$/, '');
  }

  private async call(
    what: string,
    method: string,
    path: string,
    init: { body?: unknown; token?: string } = {},
  ): Promise<Json> {
    const token = init.token ?? (await this.options.bearerToken());
    const response = await (this.options.fetch ?? fetch)(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(20_000),
    });
    const body = await readBody(response);
    if (!response.ok || (Array.isArray(body.errors) && !body.data))
      throw errorFrom(what, response.status, body);
    return body;
  }

  async listWebhooks(): Promise<XWebhook[]> {
    const body = await this.call('list webhooks', 'GET', '/2/webhooks');
    return ((body.data as Json[] | undefined) ?? []).map(webhookFrom);
  }

  async createWebhook(url: string): Promise<XWebhook> {
    const body = await this.call('register webhook', 'POST', '/2/webhooks', { body: { url } });
    return webhookFrom((body.data ?? {}) as Json);
  }

  async validateWebhook(id: string): Promise<boolean> {
    const body = await this.call('validate webhook', 'PUT', `/2/webhooks/${encodeURIComponent(id)}`);
    return ((body.data ?? {}) as Json).valid === true;
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.call('delete webhook', 'DELETE', `/2/webhooks/${encodeURIComponent(id)}`);
  }

  async replay(webhookId: string, from: Date, to: Date): Promise<{ jobId: string }> {
    const body = await this.call('replay webhook events', 'POST', '/2/webhooks/replay', {
      body: { webhook_id: webhookId, from_date: replayTimestamp(from), to_date: replayTimestamp(to) },
    });
    return { jobId: String(((body.data ?? {}) as Json).job_id ?? '') };
  }

  async listSubscriptions(): Promise<XSubscription[]> {
    const all: XSubscription[] = [];
    let next: string | undefined;
    do {
      const query = new URLSearchParams({ max_results: '1000' });
      if (next) query.set('pagination_token', next);
      const body = await this.call('list subscriptions', 'GET', `/2/activity/subscriptions?${query}`);
      all.push(...((body.data as Json[] | undefined) ?? []).map(subscriptionFrom));
      const meta = (body.meta ?? {}) as Json;
      next = typeof meta.next_token === 'string' ? meta.next_token : undefined;
    } while (next);
    return all;
  }

  async createSubscription(s: NewXSubscription, userAccessToken?: string): Promise<XSubscription> {
    const body = await this.call(
      `subscribe ${s.eventType}${s.userId ? ` for ${s.userId}` : ''}`,
      'POST',
      '/2/activity/subscriptions',
      {
        body: {
          event_type: s.eventType,
          filter: s.userId ? { user_id: s.userId } : {},
          tag: s.tag,
          webhook_id: s.webhookId,
        },
        ...(userAccessToken ? { token: userAccessToken } : {}),
      },
    );
    // The reference nests it under data.subscription; the quickstart shows it as data itself.
    const data = (body.data ?? {}) as Json;
    return subscriptionFrom((data.subscription ?? data) as Json);
  }

  async deleteSubscription(subscriptionId: string): Promise<void> {
    await this.call(
      'delete subscription',
      'DELETE',
      `/2/activity/subscriptions/${encodeURIComponent(subscriptionId)}`,
    );
  }

  private async token(what: string, form: Record<string, string>): Promise<TokenResponse> {
    const clientId = await this.options.clientId?.();
    if (!clientId) throw new XApiError(`${what}: no OAuth 2.0 client id configured`, 0);
    const secret = await this.options.clientSecret?.();
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    // A confidential client authenticates with Basic; a public one names itself in the form.
    if (secret) headers.authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
    const response = await (this.options.fetch ?? fetch)(`${this.base}/2/oauth2/token`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ ...form, client_id: clientId }).toString(),
      signal: AbortSignal.timeout(20_000),
    });
    const body = await readBody(response);
    if (!response.ok) throw errorFrom(what, response.status, body);
    if (typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string')
      throw new XApiError(
        `${what}: X answered without an access and a refresh token (was offline.access granted?)`,
        response.status,
      );
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresInSeconds: typeof body.expires_in === 'number' ? body.expires_in : 7200,
      ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
    };
  }

  exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<TokenResponse> {
    return this.token('exchange the authorization code', {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.codeVerifier,
    });
  }

  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.token('refresh the access token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
  }
}
