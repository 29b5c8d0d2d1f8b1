import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger';
import { type DeliverDeps, deliverOutbound } from '../core/deliver-outbound';
import { RetryLaterError } from '../core/outbox';
import type { DeadLetters } from '../core/queues';

/** An outbox queue message: the entry to send and, once deferred, when to try again. */
export interface OutboxMessage {
  outboxId: string;
  /** Not before this instant (ISO): the platform's reset, or our backoff. */
  notBefore?: string;
  /** How many times it was deferred so far (for the logs). */
  deferrals?: number;
}

export interface SenderConsumerDeps extends DeliverDeps {
  deadLetters: DeadLetters;
  /**
   * Queues the message again as a new message, delayed towards `notBefore` (SQS delays up to 15 min;
   * a later `notBefore` is reached in hops). A deferral thus spends none of the original's receives:
   * only a message that keeps failing for other reasons reaches the dead-letter queue.
   */
  redeliver: (message: OutboxMessage) => Promise<void>;
  /** When redelivery itself fails: makes this record come back at `at` (visibility), as a last resort. */
  scheduleRetry: (record: SQSRecord, at: Date) => Promise<void>;
}

export function parseOutboxMessage(body: string): OutboxMessage | undefined {
  try {
    const value = JSON.parse(body) as { outboxId?: unknown; notBefore?: unknown; deferrals?: unknown };
    if (typeof value.outboxId !== 'string' || !value.outboxId) return undefined;
    return {
      outboxId: value.outboxId,
      ...(typeof value.notBefore === 'string' && !Number.isNaN(Date.parse(value.notBefore))
        ? { notBefore: value.notBefore }
        : {}),
      ...(typeof value.deferrals === 'number' ? { deferrals: value.deferrals } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The outbox consumer: sends each entry at most once; deferred ones come back as new, delayed messages. */
export function createSenderConsumer(
  deps: SenderConsumerDeps,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const now = () => deps.now?.() ?? new Date();
  return async (event) => {
    const failures: string[] = [];
    /** Queues the message again for later; when that fails, the record itself waits (a receive spent). */
    const deferTo = async (record: SQSRecord, message: OutboxMessage, at: Date) => {
      try {
        await deps.redeliver({ ...message, notBefore: at.toISOString() });
      } catch (error) {
        logger.error('could not queue the deferred entry again; the record waits instead', {
          outboxId: message.outboxId,
          error: error as Error,
        });
        failures.push(record.messageId);
        await deps
          .scheduleRetry(record, at)
          .catch((e) => logger.error('could not defer', { error: e as Error }));
      }
    };
    for (const record of event.Records) {
      const message = parseOutboxMessage(record.body);
      if (!message) {
        try {
          const earlier = record.messageAttributes?.earlier?.stringValue;
          await deps.deadLetters.park([
            {
              source: 'sender',
              reason: 'outbox message without outboxId',
              body: record.body,
              ...(earlier ? { earlier } : {}),
            },
          ]);
        } catch {
          failures.push(record.messageId);
        }
        continue;
      }
      const { outboxId } = message;
      // Not yet: a deferral longer than one SQS delay travels in hops, touching nothing else.
      if (message.notBefore && Date.parse(message.notBefore) > now().getTime() + 1000) {
        await deferTo(record, message, new Date(message.notBefore));
        continue;
      }
      try {
        const outcome = await deliverOutbound(outboxId, deps);
        logger.info('outbox delivery', { outboxId, outcome });
      } catch (error) {
        if (error instanceof RetryLaterError) {
          const deferrals = (message.deferrals ?? 0) + 1;
          logger.warn('outbox delivery deferred', {
            outboxId,
            retryAt: error.retryAt.toISOString(),
            reason: error.message,
            deferrals,
          });
          await deferTo(record, { outboxId, deferrals }, error.retryAt);
        } else {
          failures.push(record.messageId);
          logger.error('outbox delivery failed; will retry', { outboxId, error: error as Error });
        }
      }
    }
    deps.metrics?.flush();
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
