import type { BrandConfig } from '../brand-config';
import type { Page } from '../paging';
import type { XSetupAccount } from './setup';

/** Every X account of every brand: each gets its subscriptions and its OAuth 2.0 grant. */
export function xAccountsOf(
  config: BrandConfig,
): Array<XSetupAccount & { brandId: string; role: string; receive: 'webhook' | 'poll' }> {
  return config.brands.flatMap((brand) =>
    brand.accounts
      .filter((account) => account.platform === 'x')
      .map((account) => ({
        id: account.id,
        handle: account.handle,
        role: account.role,
        brandId: brand.id,
        receive: account.receive ?? 'webhook',
      })),
  );
}

/** The brands that hear X through the webhook: they are paged when it is down. */
export function xBrandIds(config: BrandConfig): string[] {
  return [
    ...new Set(
      xAccountsOf(config)
        .filter((a) => a.receive === 'webhook')
        .map((a) => a.brandId),
    ),
  ];
}

/**
 * The page when X refuses an account's grant: only the account's owner can authorize the app again.
 * One an hour at most per account (the id names the hour), however many refreshers hit it.
 */
export function reauthorizationPage(config: BrandConfig, accountId: string, reason: string, now: Date): Page {
  const account = xAccountsOf(config).find((a) => a.id === accountId);
  const handle = account?.handle ?? accountId;
  return {
    pageId: `x-authorization-${accountId}-${now.toISOString().slice(0, 13)}`,
    kind: 'x_authorization',
    severity: 'critical',
    brandId: account?.brandId ?? config.brands[0]?.id ?? 'unknown',
    title: `X account @${handle} must be authorized again`,
    text: `X refused the OAuth 2.0 refresh token of @${handle} (${reason}). Its subscriptions and replies that need it fail until its owner runs: socialcare x authorize --account ${accountId}`,
    createdAt: now.toISOString(),
  };
}
