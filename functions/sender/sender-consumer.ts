import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger';
import { type DeliverDeps, deliverOutbound } from '../core/deliver-outbound';
import { RetryLaterError } from '../core/outbox';
import type { DeadLetters } from '../core/queues';

export interface SenderConsumerDeps extends DeliverDeps {
  deadLetters: DeadLetters;
  /** Makes this record come back at `at` (the platform's rate-limit reset). */
  scheduleRetry: (record: SQSRecord, at: Date) => Promise<void>;
}

function outboxIdOf(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { outboxId?: unknown };
    return typeof value.outboxId === 'string' && value.outboxId ? value.outboxId : undefined;
  } catch {
    return undefined;
  }
}

/** The outbox consumer: sends each entry at most once; rate-limited ones come back after the reset. */
export function createSenderConsumer(
  deps: SenderConsumerDeps,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const failures: string[] = [];
    for (const record of event.Records) {
      const outboxId = outboxIdOf(record.body);
      if (!outboxId) {
        try {
          await deps.deadLetters.park([
            { source: 'sender', reason: 'outbox message without outboxId', body: record.body },
          ]);
        } catch {
          failures.push(record.messageId);
        }
        continue;
      }
      try {
        const outcome = await deliverOutbound(outboxId, deps);
        logger.info('outbox delivery', { outboxId, outcome });
      } catch (error) {
        failures.push(record.messageId);
        if (error instanceof RetryLaterError) {
          logger.warn('outbox delivery deferred', {
            outboxId,
            retryAt: error.retryAt.toISOString(),
            reason: error.message,
          });
          await deps
            .scheduleRetry(record, error.retryAt)
            .catch((e) => logger.error('could not defer', { error: e as Error }));
        } else {
          logger.error('outbox delivery failed; will retry', { outboxId, error: error as Error });
        }
      }
    }
    deps.metrics?.flush();
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
