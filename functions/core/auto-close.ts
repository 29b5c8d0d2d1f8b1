import { type AuditEntry, type AuditLog, newAuditId } from './access/audit';
import type { Brand, BrandDirectory } from './brand-config';

export { type AutoCloseConfig, DEFAULT_REOPEN_WITHIN } from './auto-close-config';

import { addOpenTime } from './calendar';
import { type CareCase, type CaseStore, type CustomerProfile, withNextDeadline } from './cases';
import { parseDuration } from './duration';
import { messagingPermission } from './messaging-window';
import type { OutboundQueue, OutboxEntry, OutboxStore } from './outbox';

/**
 * Auto-close: a case waiting on the customer (we answered, they went quiet) is resolved after a
 * configurable stretch of the brand's working time, per brand and channel, optionally with a short
 * public close-out sent through the outbox like any reply. If the customer writes again within the
 * reopen window, the same case opens again; later, their message opens a new case linked to the old.
 */

/** Who auto-closed a case (resolvedBy) and who the audit trail names. */
export const AUTO_CLOSE_AGENT = 'auto-close';

/** The waiting time a case of this channel gets, in ms of working time; undefined when the brand does not auto-close. */
export function autoCloseAfterMs(
  brand: Brand,
  careCase: Pick<CareCase, 'platform' | 'visibility'>,
): number | undefined {
  const config = brand.autoClose;
  if (!config) return undefined;
  for (const key of [`${careCase.platform}:${careCase.visibility}`, careCase.platform]) {
    const value = config.byChannel[key];
    if (value) return parseDuration(value) ?? undefined;
  }
  return parseDuration(config.after) ?? undefined;
}

/** When a waiting case closes by itself: its wait, counted on the brand calendar from when it began. */
export function autoCloseDueAt(brand: Brand, careCase: CareCase): Date | undefined {
  if (careCase.status !== 'waiting_on_customer' || !careCase.pausedAt) return undefined;
  const after = autoCloseAfterMs(brand, careCase);
  if (after === undefined) return undefined;
  return addOpenTime(brand.calendar, new Date(careCase.pausedAt), after);
}

/** The case resolved by auto-close; its pause is kept so a reopen resumes the resolution clock. */
export function autoClosed(brand: Brand, careCase: CareCase, now: Date): CareCase {
  return withNextDeadline(brand, {
    ...careCase,
    version: careCase.version + 1,
    status: 'resolved',
    resolvedAt: now.toISOString(),
    resolvedBy: AUTO_CLOSE_AGENT,
  });
}

/**
 * The customer wrote again: their latest case, if auto-close resolved it within the reopen window, as a
 * case waiting on them again (ready for attachToCase, which resumes its clocks); else the case a new
 * one should link to (`previous`), if any.
 */
export async function reopenableCase(
  brand: Brand,
  store: Pick<CaseStore, 'getCase'>,
  profile: CustomerProfile | undefined,
  receivedAt: string,
): Promise<{ reopen?: CareCase; previous?: string }> {
  const latestId = profile?.caseIds?.at(-1);
  if (!latestId || !brand.autoClose) return {};
  const latest = await store.getCase(latestId);
  if (latest?.status !== 'resolved' || latest.resolvedBy !== AUTO_CLOSE_AGENT || !latest.resolvedAt)
    return {};
  const window = parseDuration(brand.autoClose.reopenWithin) ?? 0;
  if (Date.parse(receivedAt) - Date.parse(latest.resolvedAt) > window) return { previous: latest.caseId };
  const { resolvedAt: _at, resolvedBy: _by, ...rest } = latest;
  return { reopen: { ...rest, status: 'waiting_on_customer', reopenedAt: receivedAt } };
}

export interface AutoCloseDeps {
  directory: BrandDirectory;
  cases: CaseStore;
  audit: Pick<AuditLog, 'append'>;
  outbox: OutboxStore;
  queue: OutboundQueue;
  now?: () => Date;
}

function systemAudit(
  careCase: CareCase,
  at: string,
  action: 'auto_close',
  detail: AuditEntry['detail'],
): AuditEntry {
  return {
    auditId: newAuditId(at),
    at,
    brandId: careCase.brandId,
    agentId: AUTO_CLOSE_AGENT,
    agentName: 'Auto-close',
    role: 'system',
    action,
    caseId: careCase.caseId,
    caseVersion: careCase.version,
    ...(detail ? { detail } : {}),
  };
}

/**
 * The close-out, in the case's channel: a reply in thread to the customer's latest post, or a DM. None
 * for a listening case (X lets this app answer only posts addressed to us) or a Meta DM outside the
 * 24-hour window (automation may not write then).
 */
async function closeOutFor(
  brand: Brand,
  careCase: CareCase,
  store: Pick<CaseStore, 'listMessages'>,
  now: Date,
): Promise<OutboxEntry | undefined> {
  const text = brand.autoClose?.closeOut;
  if (!text || careCase.source === 'listening') return undefined;
  const latestInbound = (await store.listMessages(careCase.caseId))
    .filter((m) => m.direction === 'in')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .at(-1);
  if (!latestInbound) return undefined;
  const dm = careCase.visibility === 'private';
  if (dm && careCase.platform !== 'x') {
    const permission = messagingPermission({
      lastCustomerMessageAt: latestInbound.createdAt,
      author: 'system',
      now,
    });
    if (!permission.allowed) return undefined;
  }
  return {
    // One close-out per closing: the wait it ends names it.
    outboxId: `close_out:${careCase.caseId}:${careCase.pausedAt}`,
    caseId: careCase.caseId,
    brandId: careCase.brandId,
    platform: careCase.platform,
    account: { id: careCase.accountId, role: careCase.accountRole },
    delivery: dm ? 'direct_message' : 'public_reply',
    ...(dm ? { recipientId: careCase.customer.id } : { inReplyToId: latestInbound.platformMessageId }),
    text,
    reason: 'close_out',
    author: 'system',
    createdAt: now.toISOString(),
    status: 'pending',
    attempts: 0,
  };
}

/**
 * One run: every waiting case of a brand that auto-closes whose time has come is resolved (a
 * conditional update: a customer who wrote meanwhile wins), audited, and its close-out queued. Runs
 * with the SLA monitor, every minute.
 */
export async function runAutoClose(deps: AutoCloseDeps): Promise<{ closed: string[] }> {
  const now = deps.now?.() ?? new Date();
  const closed: string[] = [];
  for (const brand of deps.directory.allBrands) {
    if (!brand.autoClose) continue;
    for (const waiting of await deps.cases.listOpenCases(brand.id)) {
      const due = autoCloseDueAt(brand, waiting);
      if (!due || due > now) continue;
      const updated = autoClosed(brand, waiting, now);
      // The case first: a close-out is only ever sent for a case that closed.
      if ((await deps.cases.updateCase(updated, waiting.version)) !== 'written') continue;
      closed.push(updated.caseId);
      const closeOut = await closeOutFor(brand, waiting, deps.cases, now);
      await deps.audit.append(
        systemAudit(updated, now.toISOString(), 'auto_close', {
          waitingSince: waiting.pausedAt ?? null,
          closeOut: Boolean(closeOut),
        }),
      );
      if (closeOut && (await deps.outbox.createOutbox(closeOut)) === 'created')
        await deps.queue.enqueue([closeOut.outboxId]);
    }
  }
  return { closed };
}
