import type { NewXSubscription, XAdminApi, XSubscription, XWebhook } from './ports';

/**
 * The X Activity API events each brand account is subscribed to: what reaches a customer-care desk.
 * All are private events: X creates them only with the account's own OAuth 2.0 user token.
 */
export const X_ACCOUNT_EVENT_TYPES = [
  'post.mention.create',
  'post.reply.create',
  'post.quote.create',
  'dm.received',
  'dm.sent',
] as const;
/** App-wide (no filter): an account withdrew its authorization. */
export const X_APP_EVENT_TYPES = ['oauth.revoke'] as const;
/** Tags name what we created, so setup and removal never touch another tool's subscriptions. */
export const SUBSCRIPTION_TAG_PREFIX = 'socialcare';

export interface XSetupAccount {
  id: string;
  handle: string;
  /** An account that polls (no webhook access, or by choice) gets no subscriptions: X would bill both. */
  receive?: 'webhook' | 'poll';
}

export interface XSetupDeps {
  api: XAdminApi;
  /** The public HTTPS URL of POST /webhooks/x. */
  webhookUrl: string;
  accounts: readonly XSetupAccount[];
  /** The account's OAuth 2.0 access token, refreshed when needed (private events need it). */
  userAccessToken: (accountId: string) => Promise<string>;
}

export interface XSetupReport {
  webhook: XWebhook;
  webhookCreated: boolean;
  /** X had marked the webhook invalid and setup asked it to validate again. */
  webhookRevalidated: boolean;
  created: XSubscription[];
  existing: XSubscription[];
  /** Accounts whose subscriptions could not be created, and why (others still are). */
  failed: Array<{ accountId: string; eventType: string; reason: string }>;
  /** Accounts that poll: given no subscriptions, and ours they had (from when they took the webhook) deleted. */
  polled: string[];
  removed: XSubscription[];
}

export function desiredSubscriptions(
  accounts: readonly XSetupAccount[],
  webhookId: string,
): NewXSubscription[] {
  return [
    ...accounts.flatMap((account) =>
      X_ACCOUNT_EVENT_TYPES.map((eventType) => ({
        eventType,
        userId: account.id,
        webhookId,
        tag: `${SUBSCRIPTION_TAG_PREFIX} ${eventType} @${account.handle}`,
      })),
    ),
    ...X_APP_EVENT_TYPES.map((eventType) => ({
      eventType,
      webhookId,
      tag: `${SUBSCRIPTION_TAG_PREFIX} ${eventType}`,
    })),
  ];
}

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
const subscriptionKey = (s: { eventType: string; userId?: string | undefined }) =>
  `${s.eventType}|${s.userId ?? ''}`;

export async function findWebhook(api: XAdminApi, webhookUrl: string): Promise<XWebhook | undefined> {
  return (await api.listWebhooks()).find((w) => sameUrl(w.url, webhookUrl));
}

/**
 * Registers the webhook and creates every missing subscription; running it again creates nothing
 * new. A subscription counts as existing when X has one for the same event type and user delivered
 * to our webhook, whoever tagged it.
 */
export async function runXSetup(deps: XSetupDeps): Promise<XSetupReport> {
  let webhook = await findWebhook(deps.api, deps.webhookUrl);
  let webhookCreated = false;
  let webhookRevalidated = false;
  if (!webhook) {
    webhook = await deps.api.createWebhook(deps.webhookUrl);
    webhookCreated = true;
  } else if (!webhook.valid) {
    webhookRevalidated = await deps.api.validateWebhook(webhook.id);
    webhook = { ...webhook, valid: webhookRevalidated };
  }
  const webhookId = webhook.id;
  const present = new Map(
    (await deps.api.listSubscriptions())
      .filter((s) => s.webhookId === webhookId)
      .map((s) => [subscriptionKey(s), s]),
  );
  const report: XSetupReport = {
    webhook,
    webhookCreated,
    webhookRevalidated,
    created: [],
    existing: [],
    failed: [],
    polled: [],
    removed: [],
  };
  const polled = new Set(deps.accounts.filter((a) => a.receive === 'poll').map((a) => a.id));
  report.polled = [...polled];
  // An account switched to polling: the subscriptions we made for it would deliver (and be billed) twice.
  for (const s of present.values()) {
    if (s.userId === undefined || !polled.has(s.userId) || !s.tag?.startsWith(SUBSCRIPTION_TAG_PREFIX))
      continue;
    await deps.api.deleteSubscription(s.subscriptionId);
    report.removed.push(s);
  }
  const subscribed = deps.accounts.filter((a) => !polled.has(a.id));
  for (const wanted of desiredSubscriptions(subscribed, webhookId)) {
    const found = present.get(subscriptionKey(wanted));
    if (found) {
      report.existing.push(found);
      continue;
    }
    try {
      const token = wanted.userId ? await deps.userAccessToken(wanted.userId) : undefined;
      report.created.push(await deps.api.createSubscription(wanted, token));
    } catch (error) {
      report.failed.push({
        accountId: wanted.userId ?? '(app)',
        eventType: wanted.eventType,
        reason: (error as Error).message,
      });
    }
  }
  return report;
}

/** Our subscriptions (tagged by setup, or for our accounts on our webhook). */
export async function listOurSubscriptions(
  api: XAdminApi,
  webhookUrl: string,
  accounts: readonly XSetupAccount[],
): Promise<{ webhook?: XWebhook; subscriptions: XSubscription[] }> {
  const webhook = await findWebhook(api, webhookUrl);
  const ids = new Set(accounts.map((a) => a.id));
  const subscriptions = (await api.listSubscriptions()).filter(
    (s) =>
      (webhook && s.webhookId === webhook.id) ||
      s.tag?.startsWith(SUBSCRIPTION_TAG_PREFIX) ||
      (s.userId !== undefined && ids.has(s.userId)),
  );
  return { ...(webhook ? { webhook } : {}), subscriptions };
}

/** Deletes our subscriptions, and with `webhook: true` the webhook too. */
export async function removeXSetup(
  deps: Pick<XSetupDeps, 'api' | 'webhookUrl' | 'accounts'>,
  options: { webhook?: boolean } = {},
): Promise<{ deletedSubscriptions: number; deletedWebhook: boolean }> {
  const { webhook, subscriptions } = await listOurSubscriptions(deps.api, deps.webhookUrl, deps.accounts);
  for (const s of subscriptions) await deps.api.deleteSubscription(s.subscriptionId);
  let deletedWebhook = false;
  if (options.webhook && webhook) {
    await deps.api.deleteWebhook(webhook.id);
    deletedWebhook = true;
  }
  return { deletedSubscriptions: subscriptions.length, deletedWebhook };
}
