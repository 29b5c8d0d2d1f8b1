import type { BrandDirectory } from './brand-config';
import { applySentReply, type CareCase, type CaseStore, outboundMessage, type ReplyDelivery } from './cases';
import type { Platform } from './interaction';
import type { MetricsSink } from './metrics';
import {
  type OutboxStore,
  PermanentSendError,
  type PlatformSender,
  RetryLaterError,
  UncertainSendError,
} from './outbox';

export type DeliverOutcome = 'sent' | 'already_sent' | 'missing' | 'closed' | 'failed' | 'uncertain';

export interface DeliverDeps {
  directory: BrandDirectory;
  outbox: OutboxStore;
  cases: CaseStore;
  senders: Partial<Record<Platform, PlatformSender>>;
  metrics?: MetricsSink;
  now?: () => Date;
  /** A claim older than this without a result is treated as possibly sent, never resent. */
  inFlightTimeoutMs?: number;
  /** A reply the platform keeps deferring beyond this long after it was written fails for good. */
  maxDeferralMs?: number;
}

const DEFAULT_IN_FLIGHT_TIMEOUT_MS = 5 * 60_000;
/** A day: a platform outage or a rate limit lasts minutes to hours; a reply a day late needs a person. */
export const DEFAULT_MAX_DEFERRAL_MS = 24 * 3600_000;

/**
 * Sends one outbox entry at most once. Throws RetryLaterError when the platform asks to wait (the
 * caller schedules the retry, without spending the queue's receives); the case then shows the reply as
 * deferred until then. Every other outcome is final and recorded on the entry and the case.
 */
export async function deliverOutbound(outboxId: string, deps: DeliverDeps): Promise<DeliverOutcome> {
  const now = deps.now ?? (() => new Date());
  const claim = await deps.outbox.claimOutbox(outboxId, now());
  if (claim === 'already_sent' || claim === 'missing' || claim === 'closed') return claim;
  const entry = await deps.outbox.getOutbox(outboxId);
  if (!entry) return 'missing';
  if (claim === 'in_flight') {
    const since = entry.sendingSince ? Date.parse(entry.sendingSince) : 0;
    if (now().getTime() - since < (deps.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS)) {
      throw new RetryLaterError('another sender holds this entry', new Date(now().getTime() + 30_000));
    }
    const problem = 'a sender stopped mid-send; it may or may not have been posted, so it is not resent';
    await deps.outbox.closeOutbox(outboxId, 'uncertain', problem);
    await noteOnCase(deps.cases, entry.caseId, problem, {
      outboxId,
      status: 'uncertain',
      at: now().toISOString(),
      reason: problem,
    });
    return 'uncertain';
  }

  // Replies are queued just before their case is written: never answer for a case that is not there.
  if (!(await deps.cases.getCase(entry.caseId))) {
    const retryAt = new Date(now().getTime() + 5_000);
    await deps.outbox.releaseOutbox(outboxId, 'case not written yet', retryAt);
    throw new RetryLaterError('the case is not written yet', retryAt);
  }
  const sender = deps.senders[entry.platform];
  if (!sender) {
    const problem = `no sender for ${entry.platform} is configured`;
    await deps.outbox.closeOutbox(outboxId, 'failed', problem);
    await noteOnCase(deps.cases, entry.caseId, problem, {
      outboxId,
      status: 'failed',
      at: now().toISOString(),
      reason: problem,
    });
    return 'failed';
  }

  let platformMessageId: string;
  try {
    ({ platformMessageId } = await sender.send(entry));
  } catch (error) {
    if (error instanceof RetryLaterError) {
      const maxDeferral = deps.maxDeferralMs ?? DEFAULT_MAX_DEFERRAL_MS;
      if (error.retryAt.getTime() - Date.parse(entry.createdAt) > maxDeferral) {
        const hours = Math.round(maxDeferral / 3600_000);
        const reason = `the platform kept refusing for ${hours} h; last: ${error.message}`;
        await deps.outbox.closeOutbox(outboxId, 'failed', reason);
        await noteOnCase(deps.cases, entry.caseId, `reply not sent: ${reason}`, {
          outboxId,
          status: 'failed',
          at: now().toISOString(),
          reason,
        });
        return 'failed';
      }
      await deps.outbox.releaseOutbox(outboxId, error.message, error.retryAt);
      await noteOnCase(deps.cases, entry.caseId, undefined, {
        outboxId,
        status: 'deferred',
        at: now().toISOString(),
        until: error.retryAt.toISOString(),
        reason: error.message,
      });
      throw error;
    }
    const status = error instanceof PermanentSendError ? 'failed' : 'uncertain';
    const reason =
      error instanceof PermanentSendError || error instanceof UncertainSendError
        ? error.message
        : `send failed without a clear answer: ${(error as Error).message}`;
    await deps.outbox.closeOutbox(outboxId, status, reason);
    await noteOnCase(
      deps.cases,
      entry.caseId,
      `reply ${status === 'failed' ? 'not sent' : 'may not have been sent'}: ${reason}`,
      { outboxId, status, at: now().toISOString(), reason },
    );
    return status;
  }

  const sentAt = now().toISOString();
  await deps.outbox.completeOutbox(outboxId, { platformMessageId, sentAt });
  const message = outboundMessage(entry.caseId, {
    platform: entry.platform,
    platformMessageId,
    accountId: entry.account.id,
    visibility: entry.delivery === 'direct_message' ? 'private' : 'public',
    text: entry.text,
    sentAt,
    ...(entry.inReplyToId ? { inReplyToId: entry.inReplyToId } : {}),
    sentBy: entry.author,
    reason: entry.reason,
  });
  const brand = deps.directory.brand(entry.brandId);
  for (let attempt = 0; brand && attempt < 5; attempt++) {
    const careCase = await deps.cases.getCase(entry.caseId);
    if (!careCase) break;
    if (attempt === 0) {
      deps.metrics?.record('RepliesSent', entry.brandId);
      if (!careCase.firstRespondedAt && entry.reason !== 'out_of_hours_ack' && entry.reason !== 'hand_off') {
        const seconds = (Date.parse(sentAt) - Date.parse(careCase.openedAt)) / 1000;
        deps.metrics?.record('FirstResponseSeconds', entry.brandId, seconds);
      }
    }
    const outcome = await deps.cases.attachMessage(
      {
        ...applySentReply(brand, careCase, {
          reason: entry.reason,
          sentBy: entry.author,
          sentAt,
          writtenAt: entry.createdAt,
        }),
        ...replyDeliveryAfter(careCase, { outboxId, status: 'sent', at: sentAt }),
      },
      careCase.version,
      message,
    );
    if (outcome !== 'conflict') break;
  }
  return 'sent';
}

/**
 * The case's reply state after this delivery step. The case shows its latest reply: a step of an
 * older entry does not replace a newer entry's state, except to say it failed.
 */
function replyDeliveryAfter(careCase: CareCase, step: ReplyDelivery): { replyDelivery?: ReplyDelivery } {
  const current = careCase.replyDelivery;
  if (
    current &&
    current.outboxId !== step.outboxId &&
    (current.status === 'queued' || current.status === 'deferred') &&
    step.status !== 'failed' &&
    step.status !== 'uncertain'
  ) {
    return {};
  }
  return { replyDelivery: step };
}

async function noteOnCase(
  cases: CaseStore,
  caseId: string,
  problem: string | undefined,
  delivery?: ReplyDelivery,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const careCase = await cases.getCase(caseId);
    if (!careCase) return;
    const outcome = await cases.updateCase(
      {
        ...careCase,
        version: careCase.version + 1,
        ...(problem ? { deliveryProblem: problem } : {}),
        ...(delivery ? replyDeliveryAfter(careCase, delivery) : {}),
      },
      careCase.version,
    );
    if (outcome !== 'conflict') return;
  }
}
