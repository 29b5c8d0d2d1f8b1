import type { BrandConfig } from '../core/brand-config';
import { type PagingDeps, raisePage } from '../core/paging';
import { reauthorizationPage, xAccountsOf, xBrandIds } from '../core/x-admin/accounts';
import type {
  RefreshLease,
  UserTokenVault,
  WebhookHealthStore,
  XAdminApi,
  XTokenEndpoint,
} from '../core/x-admin/ports';
import { listOurSubscriptions, removeXSetup, runXSetup } from '../core/x-admin/setup';
import { keepGrantsFresh, XUserTokens } from '../core/x-admin/user-tokens';
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
  const tokens = new XUserTokens({
    vault: input.vault,
    lease: input.lease,
    endpoint: input.api,
    onReauthorizationRequired: async (accountId, reason) => {
      await raisePage(reauthorizationPage(input.config, accountId, reason, new Date()), input.paging);
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
    case 'health': {
      const webhook = await checkWebhookHealth({
        api: deps.api,
        store: deps.healthStore,
        webhookUrl: deps.webhookUrl,
        brandIds: xBrandIds(deps.config),
        paging: deps.paging,
      });
      const grants = await keepGrantsFresh(
        deps.tokens,
        accounts.map((a) => a.id),
      );
      return { ...webhook, grants };
    }
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
