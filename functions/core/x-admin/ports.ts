/**
 * What socialcare asks of X to keep its webhook and its X Activity API (XAA) subscriptions alive,
 * and to hold each brand account's OAuth 2.0 user-context tokens. The domain sees these ports only;
 * `functions/channels/x/x-admin-client.ts` implements them on plain fetch against X_API_BASE_URL.
 */

export interface XWebhook {
  id: string;
  url: string;
  /** X sets this false when a CRC fails (or fails to answer for 28 h); no event is delivered then. */
  valid: boolean;
  createdAt?: string;
}

export interface XSubscription {
  subscriptionId: string;
  eventType: string;
  /** Empty for app-wide events (`oauth.revoke`). */
  userId?: string;
  webhookId?: string;
  tag?: string;
}

export interface NewXSubscription {
  eventType: string;
  userId?: string;
  webhookId: string;
  tag: string;
}

/** An error X answered (or a failed call), with what it said: never a token. */
export class XApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** X's problem type or error code (`CrcValidationFailed`, `invalid_grant`, ...). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'XApiError';
  }
}

/** Webhook and subscription management (app-only bearer token, user tokens for private events). */
export interface XAdminApi {
  listWebhooks(): Promise<XWebhook[]>;
  /** Registers the URL; X sends a CRC to it before answering. */
  createWebhook(url: string): Promise<XWebhook>;
  /** `PUT /2/webhooks/{id}`: X sends a CRC now; true when the webhook is valid again. */
  validateWebhook(id: string): Promise<boolean>;
  deleteWebhook(id: string): Promise<void>;
  /** Asks X to deliver again what it had for this webhook between the two minutes (UTC, inclusive). */
  replay(webhookId: string, from: Date, to: Date): Promise<{ jobId: string }>;
  listSubscriptions(): Promise<XSubscription[]>;
  /** Private events (mentions, DMs) need the user's own OAuth 2.0 access token. */
  createSubscription(subscription: NewXSubscription, userAccessToken?: string): Promise<XSubscription>;
  deleteSubscription(subscriptionId: string): Promise<void>;
}

/** An OAuth 2.0 user-context grant of one X account. */
export interface UserTokens {
  accessToken: string;
  /** X rotates it on every refresh: the one stored is the only one that works. */
  refreshToken: string;
  /** ISO 8601. */
  expiresAt: string;
  scope?: string;
  /** When it was obtained (authorization or refresh), ISO 8601. */
  obtainedAt: string;
}

/** `POST /2/oauth2/token`. */
export interface XTokenEndpoint {
  exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<TokenResponse>;
  refresh(refreshToken: string): Promise<TokenResponse>;
}

export interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  scope?: string;
}

/**
 * Where the tokens live: Secrets Manager in AWS, a 0600 file under the data folder locally. A write
 * replaces the whole grant at once: a reader sees the old pair or the new one, never a mix.
 */
export interface UserTokenVault {
  read(accountId: string): Promise<UserTokens | undefined>;
  write(accountId: string, tokens: UserTokens): Promise<void>;
}

/**
 * One refresher per account at a time. X burns a refresh token when it is used, so two refreshers
 * that both spent the stored one would leave one of them holding a dead grant. A lease (conditional
 * write, DynamoDB) with an expiry, so a refresher that died does not block the account for good.
 */
export interface RefreshLease {
  /** True when this owner now holds the account's lease until `until`. */
  acquire(accountId: string, owner: string, until: Date, now: Date): Promise<boolean>;
  /** Drops the lease when this owner still holds it. */
  release(accountId: string, owner: string): Promise<void>;
}

/** The health check's memory of the webhook (one item in the table). */
export interface WebhookHealthState {
  webhookId?: string;
  /** The last time the webhook was seen valid (or replayed up to), ISO 8601. */
  lastGoodAt?: string;
  /** Set while the webhook is invalid or a replay of the outage is still owed, ISO 8601. */
  outageSince?: string;
  /** Replay from here once the webhook is valid again (at most 24 h back), ISO 8601. */
  replayFrom?: string;
  lastCheckedAt?: string;
  lastReplayJobId?: string;
  /** Optimistic concurrency: two overlapping checks never both replay. */
  version: number;
}

export interface WebhookHealthStore {
  read(): Promise<WebhookHealthState>;
  /** False when another check wrote first (the version moved on). */
  write(state: WebhookHealthState, expectedVersion: number): Promise<boolean>;
}
