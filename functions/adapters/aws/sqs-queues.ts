import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { IngestItem } from '../../core/interaction';
import type { OutboundQueue } from '../../core/outbox';
import type { DeadLetters, InteractionQueue, ParkedEvent } from '../../core/queues';

/** SQS takes at most 10 entries and 256 KiB per batch call. */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 250 * 1024;

export class QueueSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueSendError';
  }
}

/**
 * SQS refuses a body with characters outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
 * #x10000-#x10FFFF (U+FFFE, U+FFFF in a post would fail every retry), and the embedded SQS also refuses
 * emoji (it checks UTF-16 units). Our bodies are JSON, where such a character only occurs inside a string,
 * so it is written as a \u escape instead: the same JSON once parsed.
 */
export function sqsSafeBody(body: string): string {
  return body.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: SQS defines its allowed characters by these code points
    /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

async function sendAll(
  client: SQSClient,
  queueUrl: string,
  rawEntries: SendMessageBatchRequestEntry[],
): Promise<void> {
  const entries = rawEntries.map((entry) =>
    entry.MessageBody === undefined ? entry : { ...entry, MessageBody: sqsSafeBody(entry.MessageBody) },
  );
  const batches: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.MessageBody ?? '') + 512;
    if (current.length === MAX_BATCH_ENTRIES || (current.length && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length) batches.push(current);

  await Promise.all(
    batches.map(async (batch) => {
      let pending = batch;
      // A batch can partly fail (throttling); only the failed entries are sent again.
      for (let attempt = 1; pending.length; attempt++) {
        const result = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
        );
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        if (!failed.size) return;
        const senderFault = (result.Failed ?? []).find((f) => f.SenderFault);
        if (senderFault || attempt >= 3) {
          throw new QueueSendError(
            `SQS refused ${failed.size} of ${pending.length} messages: ${senderFault?.Code ?? result.Failed?.[0]?.Code ?? 'unknown'}`,
          );
        }
        pending = pending.filter((entry) => failed.has(entry.Id));
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }),
  );
}

export class SqsInteractionQueue implements InteractionQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(interactions: IngestItem[]): Promise<void> {
    await sendAll(
      this.client,
      this.queueUrl,
      interactions.map((interaction, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(interaction),
        MessageAttributes: {
          platform: { DataType: 'String', StringValue: interaction.platform },
          brandId: { DataType: 'String', StringValue: interaction.brandId },
        },
      })),
    );
  }
}

export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async park(events: ParkedEvent[]): Promise<void> {
    const parkedAt = this.now().toISOString();
    await sendAll(
      this.client,
      this.queueUrl,
      events.map((event, index) => ({
        Id: String(index),
        MessageBody: event.body === '' ? '(empty)' : event.body,
        MessageAttributes: {
          source: { DataType: 'String', StringValue: event.source },
          reason: { DataType: 'String', StringValue: event.reason.slice(0, 1000) },
          parkedAt: { DataType: 'String', StringValue: parkedAt },
          ...(event.earlier ? { earlier: { DataType: 'String', StringValue: event.earlier } } : {}),
        },
      })),
    );
  }
}

export class SqsOutboundQueue implements OutboundQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(outboxIds: string[]): Promise<void> {
    await sendAll(
      this.client,
      this.queueUrl,
      outboxIds.map((outboxId, index) => ({ Id: String(index), MessageBody: JSON.stringify({ outboxId }) })),
    );
  }
}

/** Makes a received message visible again at `at` (at most 12 hours away, as SQS allows). */
export async function delayRedelivery(
  client: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  at: Date,
): Promise<void> {
  const seconds = Math.min(43_200, Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000)));
  await client.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}

/** SQS delays a message by at most 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/**
 * Sends an outbox message again as a new message, delayed towards its `notBefore` (at most 15 minutes:
 * the sender sends it on again if it arrives early). A new message starts with no receives spent.
 */
export async function redeliverOutboxMessage(
  client: SQSClient,
  queueUrl: string,
  message: { outboxId: string; notBefore?: string; deferrals?: number },
  now: Date = new Date(),
): Promise<void> {
  const wait = message.notBefore ? Date.parse(message.notBefore) - now.getTime() : 0;
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(wait / 1000))),
    }),
  );
}
