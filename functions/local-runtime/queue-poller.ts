import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger';

export interface QueuePoller {
  stop(): Promise<void>;
  /** Resolves when a receive came back empty: the queue is drained for now. */
  idle(): Promise<void>;
}

function toRecord(message: Message, queueUrl: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    };
  }
  return {
    messageId: message.MessageId ?? randomUUID(),
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueUrl,
    awsRegion: 'us-east-1',
  };
}

/**
 * Batches handled at once by default. In AWS the event source mapping starts with five concurrent
 * invocations per queue and scales up; one batch at a time left the embedded stack waiting on DynamoDB
 * round trips (about 70 ms of them per message), so this many batches overlap.
 */
export const DEFAULT_POLLER_CONCURRENCY = pollerConcurrencyFromEnv(process.env.SOCIALCARE_POLLER_CONCURRENCY);

/** SOCIALCARE_POLLER_CONCURRENCY (1-50) lets the benchmark compare; anything else keeps 5. */
function pollerConcurrencyFromEnv(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 1 && parsed <= 50 ? parsed : 5;
}

/**
 * What the Lambda event source mapping does in AWS: receive up to 10, call the consumer, delete what
 * succeeded; failed records become visible again after the visibility timeout and, after the
 * queue's maxReceiveCount, move to the DLQ. One receiver hands batches to up to `concurrency` consumer
 * calls at a time, like concurrent Lambda invocations; it receives again only when one is free.
 */
export function startQueuePoller(options: {
  client: SQSClient;
  queueUrl: string;
  consumer: (event: SQSEvent) => Promise<SQSBatchResponse>;
  waitSeconds?: number;
  /** Batches in flight at once. @default DEFAULT_POLLER_CONCURRENCY */
  concurrency?: number;
  /**
   * The queue's visibility timeout: while a batch is still being handled, its messages are kept
   * invisible (as in AWS, where the function's timeout is well under the visibility timeout), so a slow
   * or loaded machine never hands a record to a second consumer while the first still holds it.
   */
  visibilityTimeoutSeconds?: number;
}): QueuePoller {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_POLLER_CONCURRENCY);
  let running = true;
  let idleWaiters: Array<() => void> = [];
  const inFlight = new Set<Promise<void>>();

  const handle = async (Messages: Message[]) => {
    const event: SQSEvent = { Records: Messages.map((m) => toRecord(m, options.queueUrl)) };
    const visibility = options.visibilityTimeoutSeconds;
    const heartbeat = visibility
      ? setInterval(
          () => {
            options.client
              .send(
                new ChangeMessageVisibilityBatchCommand({
                  QueueUrl: options.queueUrl,
                  Entries: event.Records.map((r, i) => ({
                    Id: String(i),
                    ReceiptHandle: r.receiptHandle,
                    VisibilityTimeout: visibility,
                  })),
                }),
              )
              .catch(() => undefined);
          },
          Math.max(250, (visibility * 1000) / 3),
        )
      : undefined;
    let failed: Set<string>;
    try {
      const response = await options.consumer(event);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      logger.error('consumer failed the whole batch', {
        error: error as Error,
        records: Messages.length,
      });
      failed = new Set(event.Records.map((r) => r.messageId));
    } finally {
      clearInterval(heartbeat);
    }
    const done = event.Records.filter((r) => !failed.has(r.messageId));
    if (!done.length) return;
    try {
      await options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
    } catch (error) {
      // The records come back after the visibility timeout; the consumer is idempotent.
      logger.warn('could not delete handled records; they will be delivered again', {
        error: error as Error,
        records: done.length,
      });
    }
  };

  const loop = (async () => {
    while (running) {
      try {
        if (inFlight.size >= concurrency) {
          await Promise.race(inFlight);
          continue;
        }
        const { Messages = [] } = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: options.waitSeconds ?? 1,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (!Messages.length) {
          // Drained only when nothing came back and no batch is still being handled.
          if (!inFlight.size) {
            for (const resolve of idleWaiters) resolve();
            idleWaiters = [];
          }
          continue;
        }
        const work: Promise<void> = handle(Messages).finally(() => inFlight.delete(work));
        inFlight.add(work);
      } catch (error) {
        if (!running) break;
        logger.warn('queue poll failed; retrying', { error: error as Error });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await Promise.all(inFlight);
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
    idle() {
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
