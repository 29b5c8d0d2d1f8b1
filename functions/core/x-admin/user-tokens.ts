import { randomUUID } from 'node:crypto';
import {
  type RefreshLease,
  type TokenResponse,
  type UserTokens,
  type UserTokenVault,
  XApiError,
  type XTokenEndpoint,
} from './ports';

export class NotAuthorizedError extends Error {
  constructor(readonly accountId: string) {
    super(
      `X account ${accountId} has no OAuth 2.0 grant yet: run socialcare x authorize --account ${accountId}`,
    );
    this.name = 'NotAuthorizedError';
  }
}

/** X refused the stored refresh token: only the account's owner can authorize the app again. */
export class ReauthorizationRequiredError extends Error {
  constructor(
    readonly accountId: string,
    readonly reason: string,
  ) {
    super(
      `X refused the refresh token of account ${accountId} (${reason}): run socialcare x authorize --account ${accountId}`,
    );
    this.name = 'ReauthorizationRequiredError';
  }
}

export class TokenRefreshBusyError extends Error {
  constructor(readonly accountId: string) {
    super(`another refresher held the token lease of X account ${accountId} for too long`);
    this.name = 'TokenRefreshBusyError';
  }
}

export interface XUserTokensDeps {
  vault: UserTokenVault;
  lease: RefreshLease;
  endpoint: XTokenEndpoint;
  /** Called once when X refuses a refresh token: page on-call, mark the account. */
  onReauthorizationRequired?: (accountId: string, reason: string) => Promise<void>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Refresh this long before the access token expires (X's live about 2 h). @default 10 min */
  refreshMarginMs?: number;
  /** How long a refresher may hold the lease; longer than a token call with its retries. @default 30 s */
  leaseMs?: number;
  /** How long to wait for another refresher before giving up. @default 45 s */
  waitMs?: number;
  /** Attempts to store the new pair before giving up (it is the only copy). @default 5 */
  storeAttempts?: number;
}

export function tokensFromResponse(response: TokenResponse, now: Date): UserTokens {
  return {
    accessToken: response.accessToken,
    refreshToken: response.refreshToken,
    expiresAt: new Date(now.getTime() + response.expiresInSeconds * 1000).toISOString(),
    ...(response.scope ? { scope: response.scope } : {}),
    obtainedAt: now.toISOString(),
  };
}

/**
 * Each brand account's OAuth 2.0 user-context access token, refreshed before it expires.
 *
 * X rotates refresh tokens: a refresh spends the stored one and hands back a new pair, which is then
 * the only one that works. So:
 * - one refresher at a time per account (a lease), and it reads the grant again inside the lease,
 *   since the one before it may just have stored a fresh pair;
 * - the new pair is written to the vault (one atomic write of the whole grant) before it is used or
 *   returned, and the write is retried: a failed write must not drop the only live refresh token;
 * - a refresher that dies holding the lease blocks the account only until the lease expires.
 * A process killed in the instant between X's answer and the vault write cannot be helped by the
 * client: X has spent the old token. The next refresher then gets `invalid_grant` and the account is
 * reported for re-authorization (a page), never left failing in silence.
 */
export class XUserTokens {
  private readonly owner = randomUUID();
  constructor(private readonly deps: XUserTokensDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private fresh(tokens: UserTokens): boolean {
    const margin = this.deps.refreshMarginMs ?? 10 * 60_000;
    return new Date(tokens.expiresAt).getTime() - this.now().getTime() > margin;
  }

  /** A valid access token for the account, refreshed first when it is close to expiry. */
  async accessTokenFor(accountId: string): Promise<string> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const deadline = this.now().getTime() + (this.deps.waitMs ?? 45_000);
    for (;;) {
      const tokens = await this.deps.vault.read(accountId);
      if (!tokens) throw new NotAuthorizedError(accountId);
      if (this.fresh(tokens)) return tokens.accessToken;
      const now = this.now();
      const until = new Date(now.getTime() + (this.deps.leaseMs ?? 30_000));
      if (await this.deps.lease.acquire(accountId, this.owner, until, now)) {
        try {
          return await this.refreshHoldingLease(accountId);
        } finally {
          await this.deps.lease.release(accountId, this.owner).catch(() => undefined);
        }
      }
      if (this.now().getTime() > deadline) throw new TokenRefreshBusyError(accountId);
      await sleep(200);
    }
  }

  private async refreshHoldingLease(accountId: string): Promise<string> {
    // The refresher before us may have stored a new pair between our read and our lease.
    const current = await this.deps.vault.read(accountId);
    if (!current) throw new NotAuthorizedError(accountId);
    if (this.fresh(current)) return current.accessToken;
    let response: TokenResponse;
    try {
      response = await this.deps.endpoint.refresh(current.refreshToken);
    } catch (error) {
      if (error instanceof XApiError && (error.reason === 'invalid_grant' || error.status === 401)) {
        await this.deps.onReauthorizationRequired?.(accountId, error.reason ?? `HTTP ${error.status}`);
        throw new ReauthorizationRequiredError(accountId, error.reason ?? `HTTP ${error.status}`);
      }
      throw error;
    }
    const tokens = tokensFromResponse(response, this.now());
    await this.store(accountId, tokens);
    return tokens.accessToken;
  }

  private async store(accountId: string, tokens: UserTokens): Promise<void> {
    const attempts = this.deps.storeAttempts ?? 5;
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.vault.write(accountId, tokens);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          await this.deps.onReauthorizationRequired?.(accountId, 'the refreshed token could not be stored');
          throw new Error(`could not store the refreshed token of X account ${accountId}`, { cause: error });
        }
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  /** Stores a grant fresh from the authorization code flow (replaces whatever was there). */
  async storeAuthorization(accountId: string, response: TokenResponse): Promise<UserTokens> {
    const tokens = tokensFromResponse(response, this.now());
    await this.store(accountId, tokens);
    return tokens;
  }
}

export type GrantStatus = 'fresh' | 'not_authorized' | 'reauthorization_required' | 'error';

/**
 * Run on the health check's schedule: every authorized account's grant is refreshed before its access
 * token expires, whether or not anything else used it, so a grant X refuses (the owner revoked the
 * app) is paged within minutes rather than found by the next setup. Accounts never authorized are
 * reported, not paged.
 */
export async function keepGrantsFresh(
  tokens: XUserTokens,
  accountIds: readonly string[],
): Promise<Record<string, GrantStatus>> {
  const statuses: Record<string, GrantStatus> = {};
  for (const accountId of accountIds) {
    try {
      await tokens.accessTokenFor(accountId);
      statuses[accountId] = 'fresh';
    } catch (error) {
      statuses[accountId] =
        error instanceof NotAuthorizedError
          ? 'not_authorized'
          : error instanceof ReauthorizationRequiredError
            ? 'reauthorization_required'
            : 'error';
    }
  }
  return statuses;
}
