import type { BrandDirectory } from './brand-config';
import type { AccountEvent, Platform } from './interaction';
import { type Page, type PagingDeps, raisePage } from './paging';

/**
 * Whether one of our platform accounts still lets us act for it. X sends `oauth.revoke` when the
 * account takes back our app's access: until someone authorizes the app again, sends as that account
 * fail, so operators must see it and the sender must refuse clearly instead of trying.
 */
export interface AccountAuthorization {
  platform: Platform;
  accountId: string;
  /** Set while the account must be re-authorized: when the platform said it revoked our access. */
  revokedAt?: string;
  /** The platform's event id of that revocation. */
  revokedEvent?: string;
  /** When an operator said the app was authorized again. */
  reauthorizedAt?: string;
}

export interface AccountStatusStore {
  /**
   * Records a revocation unless the account was re-authorized after it happened (a late or replayed
   * revocation never undoes a newer authorization). 'stale' when it was older.
   */
  markRevoked(
    platform: Platform,
    accountId: string,
    revocation: { at: string; eventId: string },
  ): Promise<'marked' | 'stale'>;
  markReauthorized(platform: Platform, accountId: string, at: string): Promise<void>;
  get(platform: Platform, accountId: string): Promise<AccountAuthorization | undefined>;
}

export const needsReauthorization = (status: AccountAuthorization | undefined): boolean =>
  Boolean(status?.revokedAt && !(status.reauthorizedAt && status.reauthorizedAt > status.revokedAt));

/** The on-call page for a revoked account: which account and what to do; no customer data. */
export function revocationPage(
  brand: { id: string; name: string },
  account: { platform: Platform; id: string; handle?: string; role: string },
  event: AccountEvent,
): Page {
  const who = `${account.handle ? `@${account.handle}` : `account ${account.id}`} (${account.role}, ${account.platform} id ${account.id})`;
  const title = `[${brand.name}] ${account.platform.toUpperCase()} ${who} revoked socialcare's access: it must be re-authorized`;
  return {
    pageId: `revoked:${event.platform}:${event.platformEventId}`,
    kind: 'account_revoked',
    severity: 'critical',
    brandId: brand.id,
    title,
    text: [
      title,
      `Since ${event.occurredAt} nothing can be sent as this account (replies and DMs are refused and flagged on their cases).`,
      'Authorize the app again as this account, then mark it re-authorized (POST /api/accounts/x/<id>/reauthorized).',
    ].join('\n'),
    createdAt: event.receivedAt,
  };
}

/** Triage's part of an account event: mark the account, then page on-call (each once, however often delivered). */
export async function recordAuthorizationRevoked(
  event: AccountEvent,
  deps: { directory: BrandDirectory; accounts: AccountStatusStore; paging?: PagingDeps },
): Promise<'marked' | 'stale'> {
  const found = deps.directory.findAccount(event.platform, event.account.id);
  const outcome = await deps.accounts.markRevoked(event.platform, event.account.id, {
    at: new Date(event.occurredAt).toISOString(),
    eventId: event.platformEventId,
  });
  if (outcome === 'marked' && deps.paging) {
    const brand = found?.brand ?? { id: event.brandId, name: event.brandId };
    const account = found?.account ?? { id: event.account.id, role: event.account.role };
    await raisePage(
      revocationPage(
        brand,
        {
          platform: event.platform,
          id: account.id,
          role: account.role,
          ...('handle' in account && account.handle ? { handle: account.handle } : {}),
        },
        event,
      ),
      deps.paging,
    );
  }
  return outcome;
}
