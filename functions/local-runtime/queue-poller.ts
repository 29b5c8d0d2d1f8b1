import { randomUUID } from 'node:crypto';
import {
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
 * What the Lambda event source mapping does in AWS: receive up to 10, call the consumer, delete what
 * succeeded; failed records become visible again after the visibility timeout and, after the
 * queue's maxReceiveCount, move to the DLQ.
 */
export function startQueuePoller(options: {
  client: SQSClient;
  queueUrl: string;
  consumer: (event: SQSEvent) => Promise<SQSBatchResponse>;
  waitSeconds?: number;
}): QueuePoller {
  let running = true;
  let idleWaiters: Array<() => void> = [];
  const loop = (async () => {
    while (running) {
      try {
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
          for (const resolve of idleWaiters) resolve();
          idleWaiters = [];
          continue;
        }
        const event: SQSEvent = { Records: Messages.map((m) => toRecord(m, options.queueUrl)) };
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
        }
        const done = event.Records.filter((r) => !failed.has(r.messageId));
        if (done.length) {
          await options.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (!running) break;
        logger.warn('queue poll failed; retrying', { error: error as Error });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
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
