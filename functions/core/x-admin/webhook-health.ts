import { type Page, type PagingDeps, raisePage } from '../paging';
import type { WebhookHealthState, WebhookHealthStore, XAdminApi, XWebhook } from './ports';
import { findWebhook } from './setup';

/** X replays at most this far back. */
export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;

export type WebhookHealthOutcome =
  /** Valid, nothing owed. */
  | 'healthy'
  /** Was invalid (or an outage was still owed a replay): now valid and the outage replayed. */
  | 'recovered'
  /** No webhook for our URL at X (never set up, or deleted): setup must run. */
  | 'not_registered'
  | 'revalidation_failed'
  | 'replay_failed'
  /** Another check is at it (its claim came first). */
  | 'busy';

export interface WebhookHealthDeps {
  api: XAdminApi;
  store: WebhookHealthStore;
  webhookUrl: string;
  /** Pages go to each brand with X accounts on the webhook (a page is listed per brand). */
  brandIds: readonly string[];
  paging: PagingDeps;
  now?: () => Date;
}

export interface WebhookHealthResult {
  outcome: WebhookHealthOutcome;
  webhookId?: string;
  replay?: { from: string; to: string; jobId: string };
  reason?: string;
}

const iso = (date: Date) => date.toISOString();
/** X's replay takes whole minutes (yyyymmddhhmm, inclusive): round outward. */
const floorMinute = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000);

/**
 * The scheduled check of the X webhook. X marks a webhook invalid when a CRC fails (and after 28 h of
 * transient errors) and then delivers nothing. The check asks X to validate it again
 * (`PUT /2/webhooks/{id}`, a CRC now) and, once it is valid, to replay what X had for it since the
 * last time the check saw it valid (at most 24 h back: X keeps no more). A failed re-validation or
 * replay pages on-call, once per outage; the next run tries again. The state (when it was last good,
 * the outage owed a replay) is one item in the table, written conditionally: a claim before acting,
 * so two overlapping checks never both replay, and a check that died mid-way leaves the outage owed.
 */
export async function checkWebhookHealth(deps: WebhookHealthDeps): Promise<WebhookHealthResult> {
  const now = deps.now?.() ?? new Date();
  const state = await deps.store.read();
  const webhooks = await deps.api.listWebhooks();
  const webhook: XWebhook | undefined = state.webhookId
    ? (webhooks.find((w) => w.id === state.webhookId) ?? (await findWebhook(deps.api, deps.webhookUrl)))
    : await findWebhook(deps.api, deps.webhookUrl);

  if (!webhook) {
    if (state.webhookId && !state.outageSince) {
      const claim = { ...state, outageSince: iso(now), lastCheckedAt: iso(now), version: state.version + 1 };
      if (!(await deps.store.write(claim, state.version))) return { outcome: 'busy' };
      await page(deps, now, {
        key: `gone-${state.webhookId}-${claim.outageSince}`,
        title: 'X webhook is no longer registered: no X events arrive',
        text: `X no longer lists webhook ${state.webhookId} for ${deps.webhookUrl}. Nothing from X reaches socialcare until it is registered again: run "socialcare x setup" (or invoke the x-webhook-admin function with {"action":"setup"}). If it was removed on purpose, nothing is needed.`,
      });
    }
    return { outcome: 'not_registered', reason: `no webhook registered for ${deps.webhookUrl}` };
  }

  const oldestReplay = new Date(now.getTime() - REPLAY_WINDOW_MS);
  const outageSince = state.webhookId === webhook.id ? state.outageSince : undefined;
  if (webhook.valid && !outageSince) {
    const next: WebhookHealthState = {
      webhookId: webhook.id,
      lastGoodAt: iso(now),
      lastCheckedAt: iso(now),
      ...(state.lastReplayJobId ? { lastReplayJobId: state.lastReplayJobId } : {}),
      version: state.version + 1,
    };
    const written = await deps.store.write(next, state.version);
    return { outcome: written ? 'healthy' : 'busy', webhookId: webhook.id };
  }

  // An outage: claim it first, recording where the replay must start (the last good moment we knew).
  const since = outageSince ?? iso(now);
  const lastGood = state.webhookId === webhook.id ? state.lastGoodAt : undefined;
  const replayFrom =
    state.replayFrom && outageSince
      ? state.replayFrom
      : iso(new Date(Math.max(new Date(lastGood ?? since).getTime(), oldestReplay.getTime())));
  const claim: WebhookHealthState = {
    webhookId: webhook.id,
    ...(lastGood ? { lastGoodAt: lastGood } : {}),
    outageSince: since,
    replayFrom,
    lastCheckedAt: iso(now),
    ...(state.lastReplayJobId ? { lastReplayJobId: state.lastReplayJobId } : {}),
    version: state.version + 1,
  };
  if (!(await deps.store.write(claim, state.version))) return { outcome: 'busy' };

  if (!webhook.valid) {
    let reason = 'X answered that the CRC failed';
    let valid = false;
    try {
      valid = await deps.api.validateWebhook(webhook.id);
    } catch (error) {
      reason = (error as Error).message;
    }
    if (!valid) {
      await page(deps, now, {
        key: `invalid-${webhook.id}-${since}`,
        title: 'X webhook is invalid and could not be re-validated: no X events arrive',
        text: `X marked webhook ${webhook.id} (${deps.webhookUrl}) invalid; re-validating it failed: ${reason}. Check that ${deps.webhookUrl} answers the CRC (GET ?crc_token=) with the app's consumer secret. The check retries every run and replays the outage once it is valid.`,
      });
      return { outcome: 'revalidation_failed', webhookId: webhook.id, reason };
    }
  }

  // Valid again: replay from the last good moment (no more than 24 h back) to now.
  const from = floorMinute(new Date(Math.max(new Date(replayFrom).getTime(), oldestReplay.getTime())));
  const to = floorMinute(now);
  let jobId: string;
  try {
    ({ jobId } = await deps.api.replay(webhook.id, from, to));
  } catch (error) {
    const reason = (error as Error).message;
    await page(deps, now, {
      key: `replay-${webhook.id}-${since}`,
      title: 'X webhook is valid again but the missed events could not be replayed',
      text: `X webhook ${webhook.id} was invalid since ${since}; asking X to replay ${iso(from)} to ${iso(to)} failed: ${reason}. Mentions and DMs of that time may be missing; the check tries again each run while the outage is within X's 24-hour replay window.`,
    });
    return { outcome: 'replay_failed', webhookId: webhook.id, reason };
  }
  const done: WebhookHealthState = {
    webhookId: webhook.id,
    lastGoodAt: iso(now),
    lastCheckedAt: iso(now),
    lastReplayJobId: jobId,
    version: claim.version + 1,
  };
  await deps.store.write(done, claim.version);
  return { outcome: 'recovered', webhookId: webhook.id, replay: { from: iso(from), to: iso(to), jobId } };
}

async function page(
  deps: WebhookHealthDeps,
  now: Date,
  what: { key: string; title: string; text: string },
): Promise<void> {
  for (const brandId of deps.brandIds) {
    const page: Page = {
      pageId: `x-webhook-${what.key}-${brandId}`,
      kind: 'x_webhook',
      severity: 'critical',
      brandId,
      title: what.title,
      text: what.text,
      createdAt: iso(now),
    };
    await raisePage(page, deps.paging);
  }
}
