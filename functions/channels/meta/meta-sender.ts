import { messagingPermission } from '../../core/messaging-window';
import {
  type OutboundMessage,
  PermanentSendError,
  type PlatformSender,
  RetryLaterError,
  UncertainSendError,
} from '../../core/outbox';
import { appSecretProof, GRAPH_API_BASE_URL, GRAPH_API_VERSION } from './graph-api';

export type MetaPlatform = 'facebook' | 'instagram';

export interface MetaSenderOptions {
  /**
   * The page access token that sends as this account. For an Instagram account it is the token of
   * the Facebook page linked to it. The platform is passed so one store can hold both.
   */
  tokenFor: (accountId: string, platform: MetaPlatform) => Promise<string>;
  /** When the customer last wrote in this conversation: opens and closes the messaging window. */
  lastCustomerMessageAt: (message: OutboundMessage) => Promise<string | undefined>;
  /** Points the sender at a local stand-in of the Graph API, e.g. http://127.0.0.1:4010. */
  apiBaseUrl?: string;
  apiVersion?: string;
  /** When the app requires it: adds `appsecret_proof` (HMAC-SHA256 of the token with the app secret). */
  appSecret?: () => Promise<string>;
  /** Beyond this the request may have been posted: the send is uncertain, never repeated. */
  timeoutMs?: number;
  now?: () => Date;
}

/** Longest text each Graph send endpoint takes, in characters. */
export const META_TEXT_LIMITS = {
  facebook: { comment: 8000, message: 2000 },
  instagram: { comment: 2200, message: 1000 },
} as const;

/** Graph error codes that mean "throttled": nothing was posted, try again later. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const isBusinessRateLimit = (code: number) => code >= 80001 && code <= 80014;
/** Errors of the connection itself, raised before any byte of the request left. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const DEFAULT_RETRY_MS = 60_000;

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

type GraphRequest = { path: string; body: Record<string, unknown>; what: string };

/**
 * Sends as our Facebook pages and Instagram accounts through the Graph API:
 * - public_reply with inReplyToId: a reply in that comment's (or post's) thread;
 * - direct_message with inReplyToId: a private reply to that comment (recipientId is not used);
 * - direct_message with recipientId only: a Messenger / Instagram Direct message, inside the
 *   24-hour window as a RESPONSE; outside it only an agent's message goes, tagged HUMAN_AGENT, and
 *   a bot or system message is refused.
 */
export class MetaSender implements PlatformSender {
  private readonly base: string;
  private readonly version: string;

  constructor(private readonly options: MetaSenderOptions) {
    this.base = (options.apiBaseUrl ?? GRAPH_API_BASE_URL).replace(/\/$/, '');
    this.version = options.apiVersion ?? GRAPH_API_VERSION;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async send(message: OutboundMessage): Promise<{ platformMessageId: string }> {
    const platform = message.platform;
    if (platform !== 'facebook' && platform !== 'instagram')
      throw new PermanentSendError(`the Meta sender does not send to ${platform}`);
    if (!message.text.trim()) throw new PermanentSendError('the reply is empty');
    const request = await this.requestFor(message, platform);

    let token: string;
    let proof: string | undefined;
    try {
      token = await this.options.tokenFor(message.account.id, platform);
      if (this.options.appSecret) proof = appSecretProof(await this.options.appSecret(), token);
    } catch (error) {
      throw new PermanentSendError(
        `no usable page access token for ${platform} account ${message.account.id}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const url = new URL(`${this.base}/${this.version}/${request.path}`);
    if (proof) url.searchParams.set('appsecret_proof', proof);

    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw this.networkError(error);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (response.ok) {
      const answer = (body ?? {}) as { id?: unknown; message_id?: unknown };
      const id = typeof answer.message_id === 'string' ? answer.message_id : answer.id;
      if (typeof id === 'string' && id) return { platformMessageId: id };
      throw new UncertainSendError(`Graph answered ${response.status} to the ${request.what} without an id`);
    }
    throw this.graphError(
      response,
      (body as { error?: GraphError } | undefined)?.error ?? {},
      message,
      request,
    );
  }

  /** Which Graph call a message is, and whether it may be sent now. */
  private async requestFor(message: OutboundMessage, platform: MetaPlatform): Promise<GraphRequest> {
    const limits = META_TEXT_LIMITS[platform];
    const length = [...message.text].length;
    // A page sends messages from its own node; an Instagram account from the linked page's (`me`).
    const sender = platform === 'facebook' ? message.account.id : 'me';

    if (message.delivery === 'public_reply') {
      if (!message.inReplyToId) throw new PermanentSendError('a comment reply needs the comment it answers');
      if (length > limits.comment)
        throw new PermanentSendError(
          `the reply is ${length} characters; ${platform} takes ${limits.comment}`,
        );
      const edge = platform === 'facebook' ? 'comments' : 'replies';
      return {
        path: `${encodeURIComponent(message.inReplyToId)}/${edge}`,
        body: { message: message.text },
        what: 'comment reply',
      };
    }

    if (length > limits.message)
      throw new PermanentSendError(
        `the message is ${length} characters; ${platform} takes ${limits.message}`,
      );
    if (message.inReplyToId) {
      // A private reply answers a public comment in Messenger / Instagram Direct: the way to take a
      // public complaint private, allowed once per comment for 7 days, outside the messaging window.
      // A commenter's id is not a messaging recipient, so the comment is what names the person.
      return {
        path: `${sender}/messages`,
        body: { recipient: { comment_id: message.inReplyToId }, message: { text: message.text } },
        what: 'private reply',
      };
    }
    if (!message.recipientId)
      throw new PermanentSendError('a message needs the recipient id, or the comment it answers privately');
    let lastCustomerMessageAt: string | undefined;
    try {
      lastCustomerMessageAt = await this.options.lastCustomerMessageAt(message);
    } catch (error) {
      // Nothing was sent: the window is read again on the next attempt.
      throw new RetryLaterError(
        `could not read when the customer last wrote: ${(error as Error).message}`,
        new Date(this.now().getTime() + 30_000),
      );
    }
    const permission = messagingPermission({
      lastCustomerMessageAt,
      author: message.author,
      now: this.now(),
    });
    if (!permission.allowed) throw new PermanentSendError(permission.reason);
    return {
      path: `${sender}/messages`,
      body: {
        recipient: { id: message.recipientId },
        messaging_type: permission.messagingType,
        ...(permission.messagingType === 'MESSAGE_TAG' ? { tag: permission.tag } : {}),
        message: { text: message.text },
      },
      what: permission.messagingType === 'MESSAGE_TAG' ? 'message (human-agent tag)' : 'message',
    };
  }

  private networkError(error: unknown): Error {
    const name = (error as Error | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new UncertainSendError(
        'no answer from the Graph API in time; the message may have been posted',
        { cause: error },
      );
    }
    const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
    const code = cause?.code ?? cause?.errors?.[0]?.code ?? '';
    if (NEVER_CONNECTED.has(code)) {
      return new RetryLaterError(
        `Graph API not reachable (${code})`,
        new Date(this.now().getTime() + 10_000),
      );
    }
    return new UncertainSendError(
      `request to the Graph API failed mid-way (${code || (error as Error).message})`,
      { cause: error },
    );
  }

  /** Turns a Graph error into: retry later (not sent), permanent (not sent), or uncertain. */
  private graphError(
    response: Response,
    error: GraphError,
    message: OutboundMessage,
    request: GraphRequest,
  ): Error {
    const code = typeof error.code === 'number' ? error.code : undefined;
    const subcode = typeof error.error_subcode === 'number' ? `, subcode ${error.error_subcode}` : '';
    const detail = `${error.message ?? 'no message'} (HTTP ${response.status}, Graph code ${code ?? 'none'}${subcode})`;
    const account = `${message.platform} account ${message.account.id}`;

    if (
      response.status === 429 ||
      (code !== undefined && (RATE_LIMIT_CODES.has(code) || isBusinessRateLimit(code)))
    ) {
      const retryAt = new Date(this.now().getTime() + this.retryDelayMs(response));
      return new RetryLaterError(
        `Graph API rate limit for ${account}: ${detail}; retry after ${retryAt.toISOString()}`,
        retryAt,
      );
    }
    if (code === 190 || code === 102 || (response.status === 401 && code === undefined)) {
      return new PermanentSendError(
        `the page access token for ${account} is expired or revoked: ${detail}. Renew the token; nothing was sent`,
      );
    }
    if (code === 10 || (code !== undefined && code >= 200 && code < 300)) {
      return new PermanentSendError(
        `Graph API permission missing for the ${request.what} as ${account}: ${detail}`,
      );
    }
    if (response.status >= 500) {
      return new UncertainSendError(
        `Graph API answered ${response.status} to the ${request.what}; it may or may not have been posted: ${detail}`,
      );
    }
    return new PermanentSendError(`Graph API refused the ${request.what} as ${account}: ${detail}`);
  }

  /** How long a throttled page waits: Graph says so in minutes in its usage headers. */
  private retryDelayMs(response: Response): number {
    const retryAfter = Number(response.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
    let minutes = 0;
    for (const name of ['x-business-use-case-usage', 'x-page-usage', 'x-app-usage']) {
      const value = response.headers.get(name);
      if (!value) continue;
      try {
        const usage = JSON.parse(value) as unknown;
        const records = Array.isArray(usage)
          ? usage
          : typeof usage === 'object' && usage !== null
            ? Object.values(usage).flatMap((v) => (Array.isArray(v) ? v : [v]))
            : [];
        for (const record of [usage, ...records]) {
          const wait = (record as { estimated_time_to_regain_access?: unknown } | null)
            ?.estimated_time_to_regain_access;
          if (typeof wait === 'number' && wait > minutes) minutes = wait;
        }
      } catch {
        // An unreadable usage header leaves the default wait.
      }
    }
    return minutes > 0 ? minutes * 60_000 : DEFAULT_RETRY_MS;
  }
}
