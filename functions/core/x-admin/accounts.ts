import type { BrandConfig } from '../brand-config';
import type { XSetupAccount } from './setup';

/** Every X account of every brand: each gets its subscriptions and its OAuth 2.0 grant. */
export function xAccountsOf(config: BrandConfig): Array<XSetupAccount & { brandId: string; role: string }> {
  return config.brands.flatMap((brand) =>
    brand.accounts
      .filter((account) => account.platform === 'x')
      .map((account) => ({ id: account.id, handle: account.handle, role: account.role, brandId: brand.id })),
  );
}

/** The brands that hear X through the webhook: they are paged when it is down. */
export function xBrandIds(config: BrandConfig): string[] {
  return [...new Set(xAccountsOf(config).map((a) => a.brandId))];
}
