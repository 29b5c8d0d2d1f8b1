import { Agent } from 'node:http';
import { ApiRequestError, ApiResponseError, type ITwitterApiClientPlugin, TwitterApi } from 'twitter-api-v2';
import { type AccountAuthorization, needsReauthorization } from '../../core/account-status';
import {
  type OutboundMessage,
  PermanentSendError,
  type PlatformSender,
  RetryLaterError,
  UncertainSendError,
} from '../../core/outbox';

/** OAuth 1.0a user-context keys of one of our X accounts. Each account has its own. */
export interface XAccountCredentials {
  apiKey: string;
  apiSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export interface XSenderOptions {
  credentialsFor: (accountId: string) => Promise<XAccountCredentials>;
  /** Points the real client at a local stand-in of the X API (local mode), e.g. http://127.0.0.1:4010. */
  apiBaseUrl?: string;
  /** Whether an account revoked our access (X oauth.revoke): such an account is not sent from. */
  authorizationOf?: (accountId: string) => Promise<AccountAuthorization | undefined>;
  now?: () => Date;
}

/** Rewrites https://api.x.com/... to a local base URL (the client's own prefix setting is not reliable). */
function redirectPlugin(baseUrl: string): ITwitterApiClientPlugin {
  const base = baseUrl.replace(/\/$/, '');
  return {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(/^https:\/\/api\.(x|twitter)\.com/, base);
    },
  };
}

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET_BEFORE_SEND']);

/** Sends replies and DMs as our X accounts through `twitter-api-v2` (API v2 endpoints). */
export class XSender implements PlatformSender {
  private readonly clients = new Map<string, Promise<TwitterApi>>();
  private readonly agent: Agent | undefined;

  constructor(private readonly options: XSenderOptions) {
    this.agent = options.apiBaseUrl?.startsWith('http://') ? new Agent({ keepAlive: true }) : undefined;
  }

  private client(accountId: string): Promise<TwitterApi> {
    let client = this.clients.get(accountId);
    if (!client) {
      client = this.options.credentialsFor(accountId).then(
        (c) =>
          new TwitterApi(
            {
              appKey: c.apiKey,
              appSecret: c.apiSecret,
              accessToken: c.accessToken,
              accessSecret: c.accessTokenSecret,
            },
            this.options.apiBaseUrl
              ? {
                  plugins: [redirectPlugin(this.options.apiBaseUrl)],
                  ...(this.agent ? { httpAgent: this.agent } : {}),
                }
              : {},
          ),
      );
      client.catch(() => this.clients.delete(accountId));
      this.clients.set(accountId, client);
    }
    return client;
  }

  async send(message: OutboundMessage): Promise<{ platformMessageId: string }> {
    const authorization = await this.options.authorizationOf?.(message.account.id);
    if (authorization && needsReauthorization(authorization)) {
      // X would refuse it with a 401; saying why here tells the agent what to do.
      throw new PermanentSendError(
        `X account ${message.account.id} revoked socialcare's access at ${authorization.revokedAt} and must be re-authorized; not sent`,
      );
    }
    let client: TwitterApi;
    try {
      client = await this.client(message.account.id);
    } catch (error) {
      throw new PermanentSendError(
        `no usable credentials for X account ${message.account.id}: ${(error as Error).message}`,
      );
    }
    try {
      if (message.delivery === 'direct_message') {
        if (!message.recipientId) throw new PermanentSendError('a direct message needs the recipient id');
        const result = await client.v2.sendDmToParticipant(message.recipientId, { text: message.text });
        return { platformMessageId: result.dm_event_id };
      }
      if (!message.inReplyToId) throw new PermanentSendError('a public reply needs the post it answers');
      const result = await client.v2.reply(message.text, message.inReplyToId);
      return { platformMessageId: result.data.id };
    } catch (error) {
      throw this.classify(error);
    }
  }

  /** Turns the client's errors into: retry later (not sent), permanent (not sent), or uncertain. */
  private classify(error: unknown): Error {
    const now = this.options.now?.() ?? new Date();
    if (error instanceof PermanentSendError) return error;
    if (error instanceof ApiResponseError) {
      if (error.code === 429) {
        const reset = error.rateLimit?.reset;
        const retryAt = reset ? new Date(reset * 1000) : new Date(now.getTime() + 60_000);
        return new RetryLaterError(`X rate limit reached; retry after ${retryAt.toISOString()}`, retryAt);
      }
      if (error.code === 503)
        return new RetryLaterError('X is over capacity (503)', new Date(now.getTime() + 30_000));
      if (error.code === 401)
        return new PermanentSendError('X refused the account credentials (401): token revoked or wrong', {
          cause: error,
        });
      if (error.code >= 400 && error.code < 500) {
        const detail = (error.data as { detail?: string })?.detail ?? error.message;
        return new PermanentSendError(`X refused the post (${error.code}): ${detail}`, { cause: error });
      }
      return new UncertainSendError(`X answered ${error.code}; the post may or may not exist`, {
        cause: error,
      });
    }
    if (error instanceof ApiRequestError) {
      const code = (error.requestError as NodeJS.ErrnoException | undefined)?.code ?? '';
      if (NEVER_CONNECTED.has(code))
        return new RetryLaterError(`X not reachable (${code})`, new Date(now.getTime() + 10_000));
      return new UncertainSendError(`request to X failed mid-way (${code || error.message})`, {
        cause: error,
      });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
