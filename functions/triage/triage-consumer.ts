import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger';
import { type AccountStatusStore, recordAuthorizationRevoked } from '../core/account-status';
import {
  type AccountEvent,
  type Interaction,
  isAccountEvent,
  MalformedInteractionError,
  parseIngestItem,
} from '../core/interaction';
import type { MetricsSink } from '../core/metrics';
import type { DeadLetters } from '../core/queues';
import { type RecordDeps, recordInteractions } from '../core/record-interactions';

export interface TriageConsumerDeps extends RecordDeps {
  deadLetters: DeadLetters;
  metrics?: MetricsSink;
  /** Where account events (X oauth.revoke) mark an account as needing re-authorization. */
  accounts?: AccountStatusStore;
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
    const accountEvents: Array<{ record: SQSRecord; event: AccountEvent }> = [];

    for (const record of event.Records) {
      try {
        const item = parseIngestItem(record.body);
        if (isAccountEvent(item)) accountEvents.push({ record, event: item });
        else valid.push({ record, interaction: item });
      } catch (error) {
        if (!(error instanceof MalformedInteractionError)) throw error;
        try {
          const earlier = record.messageAttributes?.earlier?.stringValue;
          await deps.deadLetters.park([
            { source: 'triage', reason: error.message, body: record.body, ...(earlier ? { earlier } : {}) },
          ]);
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

    for (const { record, event: accountEvent } of accountEvents) {
      try {
        if (!deps.accounts) throw new Error('no account status store is configured for account events');
        const outcome = await recordAuthorizationRevoked(accountEvent, {
          directory: deps.directory,
          accounts: deps.accounts,
          ...(deps.paging ? { paging: deps.paging } : {}),
        });
        logger.info('account event recorded', {
          event: accountEvent.event,
          platform: accountEvent.platform,
          accountId: accountEvent.account.id,
          outcome,
        });
      } catch (error) {
        logger.error('account event not recorded; will retry', {
          messageId: record.messageId,
          event: accountEvent.event,
          error: error as Error,
        });
        failures.push(record.messageId);
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
