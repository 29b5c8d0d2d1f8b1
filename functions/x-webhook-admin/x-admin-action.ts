import type { BrandConfig } from '../core/brand-config';
import { type PagingDeps, raisePage } from '../core/paging';
import { xAccountsOf, xBrandIds } from '../core/x-admin/accounts';
import type {
  RefreshLease,
  UserTokenVault,
  WebhookHealthStore,
  XAdminApi,
  XTokenEndpoint,
} from '../core/x-admin/ports';
import { listOurSubscriptions, removeXSetup, runXSetup } from '../core/x-admin/setup';
import { XUserTokens } from '../core/x-admin/user-tokens';
import { checkWebhookHealth } from '../core/x-admin/webhook-health';

export type AdminAction = 'health' | 'setup' | 'subscriptions' | 'remove';

export interface XAdminDeps {
  config: BrandConfig;
  api: XAdminApi;
  webhookUrl: string;
  tokens: XUserTokens;
  healthStore: WebhookHealthStore;
  paging: PagingDeps;
}

/**
 * The deps of every action, with the token refresher paging on-call when an account's grant is gone
 * (only its owner can give it back), once an hour at most per account.
 */
export function xAdminDeps(input: {
  config: BrandConfig;
  api: XAdminApi & XTokenEndpoint;
  webhookUrl: string;
  vault: UserTokenVault;
  lease: RefreshLease;
  healthStore: WebhookHealthStore;
  paging: PagingDeps;
}): XAdminDeps {
  const accounts = xAccountsOf(input.config);
  const tokens = new XUserTokens({
    vault: input.vault,
    lease: input.lease,
    endpoint: input.api,
    onReauthorizationRequired: async (accountId, reason) => {
      const account = accounts.find((a) => a.id === accountId);
      const now = new Date();
      await raisePage(
        {
          pageId: `x-authorization-${accountId}-${now.toISOString().slice(0, 13)}`,
          kind: 'x_authorization',
          severity: 'critical',
          brandId: account?.brandId ?? input.config.brands[0]?.id ?? 'unknown',
          title: `X account @${account?.handle ?? accountId} must be authorized again`,
          text: `X refused the OAuth 2.0 refresh token of @${account?.handle ?? accountId} (${reason}). Its subscriptions cannot be renewed until its owner runs: socialcare x authorize --account ${accountId}`,
          createdAt: now.toISOString(),
        },
        input.paging,
      );
    },
  });
  return {
    config: input.config,
    api: input.api,
    webhookUrl: input.webhookUrl,
    tokens,
    healthStore: input.healthStore,
    paging: input.paging,
  };
}

/** What the admin function (and the local command line) does for each action; nothing secret returned. */
export async function runXAdminAction(
  deps: XAdminDeps,
  action: AdminAction,
  options: { webhook?: boolean } = {},
) {
  const accounts = xAccountsOf(deps.config);
  switch (action) {
    case 'health':
      return checkWebhookHealth({
        api: deps.api,
        store: deps.healthStore,
        webhookUrl: deps.webhookUrl,
        brandIds: xBrandIds(deps.config),
        paging: deps.paging,
      });
    case 'setup':
      return runXSetup({
        api: deps.api,
        webhookUrl: deps.webhookUrl,
        accounts,
        userAccessToken: (id) => deps.tokens.accessTokenFor(id),
      });
    case 'subscriptions':
      return listOurSubscriptions(deps.api, deps.webhookUrl, accounts);
    case 'remove':
      return removeXSetup({ api: deps.api, webhookUrl: deps.webhookUrl, accounts }, options);
    default:
      throw new Error(`unknown action "${String(action)}": health, setup, subscriptions or remove`);
  }
}
