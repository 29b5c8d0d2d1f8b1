import type { AccountRole, Platform } from './interaction';

/**
 * Outbound messages go through an outbox: the entry is written (once, keyed by what it answers)
 * before anything is sent, and it is claimed before sending, so no customer is ever answered twice —
 * not by a redelivered queue message, not by two overlapping senders.
 */
export type OutboundReason =
  | 'faq_answer'
  | 'hand_off'
  | 'out_of_hours_ack'
  | 'agent_reply'
  | 'public_note'
  /** Auto-close's message when a case waiting on the customer closes (core/auto-close.ts). */
  | 'close_out';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain';

export interface OutboundMessage {
  outboxId: string;
  caseId: string;
  brandId: string;
  platform: Platform;
  /** Our account that sends it: the bot's and the care account's credentials are kept apart. */
  account: { id: string; role: AccountRole };
  delivery: 'public_reply' | 'direct_message';
  /** The platform message answered (a public reply goes in its thread). */
  inReplyToId?: string;
  /** The customer's platform id, for direct messages. */
  recipientId?: string;
  text: string;
  reason: OutboundReason;
  /** Who wrote it: "bot", "system" or an agent's id. */
  author: string;
  createdAt: string;
}

export interface OutboxEntry extends OutboundMessage {
  status: OutboxStatus;
  attempts: number;
  /** The platform said not before this (a rate-limit reset, an outage): the entry waits, still pending. */
  deferredUntil?: string;
  sendingSince?: string;
  sentAt?: string;
  platformMessageId?: string;
  error?: string;
}

/** One outbox entry per reason and answered message: the key that makes "answer once" hold. */
export function outboxIdFor(reason: OutboundReason, platform: Platform, answeredMessageId: string): string {
  return `${reason}:${platform}:${answeredMessageId}`;
}

export type ClaimResult = 'claimed' | 'already_sent' | 'in_flight' | 'missing' | 'closed';

export interface OutboxStore {
  /** Writes the entry if there is none with its id. */
  createOutbox(entry: OutboxEntry): Promise<'created' | 'exists'>;
  getOutbox(outboxId: string): Promise<OutboxEntry | undefined>;
  /** pending → sending, conditionally: only one sender may hold an entry. */
  claimOutbox(outboxId: string, now: Date): Promise<ClaimResult>;
  /** sending → pending: it was certainly not sent (the platform refused for now, until `retryAt`). */
  releaseOutbox(outboxId: string, error: string, retryAt?: Date): Promise<void>;
  completeOutbox(outboxId: string, result: { platformMessageId: string; sentAt: string }): Promise<void>;
  /** sending → failed (will not be sent) or uncertain (may have been sent: never resent automatically). */
  closeOutbox(outboxId: string, status: 'failed' | 'uncertain', error: string): Promise<void>;
  /**
   * Entries still unsent (pending, or held by a sender) whose sweep time has come: each entry's sweep
   * time is set when it is written, claimed or deferred, a grace period after it should have been sent,
   * and moved `snoozeMs` on for every entry returned, so each is found once per grace period.
   */
  takeUnsent(now: Date, limit: number, snoozeMs: number): Promise<string[]>;
}

/** After this long past when an entry should have gone out, the sweeper queues it again. */
export const OUTBOX_SWEEP_GRACE_MS = 2 * 60_000;

export interface OutboundQueue {
  enqueue(outboxIds: string[]): Promise<void>;
}

/**
 * Queues again the outbox entries nobody sent: a reply whose queue send failed after its case was saved,
 * one whose queue message was lost, one a sender stopped holding. Sending stays at most once: the sender
 * claims each entry before it sends.
 */
export async function sweepOutbox(
  deps: { outbox: OutboxStore; queue: OutboundQueue; now?: () => Date },
  limit = 100,
): Promise<string[]> {
  const now = deps.now?.() ?? new Date();
  const ids = await deps.outbox.takeUnsent(now, limit, OUTBOX_SWEEP_GRACE_MS);
  if (ids.length) await deps.queue.enqueue(ids);
  return ids;
}

/** A platform send API: posts or messages as one of our accounts. */
export interface PlatformSender {
  send(message: OutboundMessage): Promise<{ platformMessageId: string }>;
}

/** The platform said not now (rate limit): certainly not sent, retry after `retryAt`. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAt: Date,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** The platform refused for good (revoked token, deleted post, forbidden): certainly not sent. */
export class PermanentSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentSendError';
  }
}

/** The request failed in a way that does not tell whether the platform posted it. */
export class UncertainSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UncertainSendError';
  }
}
