import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger';
import { type Interaction, MalformedInteractionError, parseInteraction } from '../core/interaction';
import type { MetricsSink } from '../core/metrics';
import type { DeadLetters } from '../core/queues';
import { type RecordDeps, recordInteractions } from '../core/record-interactions';

export interface TriageConsumerDeps extends RecordDeps {
  deadLetters: DeadLetters;
  metrics?: MetricsSink;
}

/**
 * The SQS consumer: a malformed record is parked in the DLQ at once with its reason (retrying will not
 * mend it); a record that fails for a passing reason is reported as a batch item failure, so only it is
 * retried and the DLQ catches it if it keeps failing.
 */
export function createTriageConsumer(
  deps: TriageConsumerDeps,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const failures: string[] = [];
    const valid: Array<{ record: SQSRecord; interaction: Interaction }> = [];

    for (const record of event.Records) {
      try {
        valid.push({ record, interaction: parseInteraction(record.body) });
      } catch (error) {
        if (!(error instanceof MalformedInteractionError)) throw error;
        try {
          await deps.deadLetters.park([{ source: 'triage', reason: error.message, body: record.body }]);
          logger.error('malformed interaction parked', {
            messageId: record.messageId,
            reason: error.message,
          });
        } catch (parkError) {
          logger.error('could not park malformed interaction', {
            messageId: record.messageId,
            error: parkError as Error,
          });
          failures.push(record.messageId);
        }
      }
    }

    if (valid.length) {
      let outcomes: Awaited<ReturnType<typeof recordInteractions>>;
      try {
        outcomes = await recordInteractions(
          valid.map((v) => v.interaction),
          deps,
        );
      } catch (error) {
        logger.error('triage batch failed', { records: valid.length, error: error as Error });
        outcomes = valid.map(() => error as Error);
      }
      outcomes.forEach((outcome, index) => {
        const { record, interaction } = valid[index] as (typeof valid)[number];
        if (outcome instanceof Error) {
          logger.error('interaction not recorded; will retry', {
            messageId: record.messageId,
            platformMessageId: interaction.platformMessageId,
            error: outcome,
          });
          failures.push(record.messageId);
        } else {
          logger.info('interaction triaged', {
            platformMessageId: interaction.platformMessageId,
            ...outcome,
          });
          if (outcome.status === 'opened') deps.metrics?.record('CasesOpened', interaction.brandId);
          if (outcome.status === 'opened' || outcome.status === 'attached') {
            deps.metrics?.record('MessagesRecorded', interaction.brandId);
          }
          if (outcome.status === 'duplicate') deps.metrics?.record('DuplicatesSkipped', interaction.brandId);
        }
      });
    }
    deps.metrics?.flush();
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
