import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { parseIngestItem } from '../core/interaction';
import { LOCAL_QUEUE_NAMES } from '../local-runtime/embedded-queues';

/**
 * `socialcare dlq list|redrive`: what is in the dead-letter queue and why, and sending it back once
 * the cause is fixed. Works on the embedded queues of `socialcare start` (by endpoint) and on the
 * stack's queues (by URL).
 */

export interface DlqQueues {
  client: SQSClient;
  deadLetterQueueUrl: string;
  /** Where interactions go back to. */
  ingestQueueUrl: string;
  /** Where outbox entries go back to (locally the outbox shares the DLQ; in AWS it has its own). */
  outboxQueueUrl?: string;
}

export interface DeadLetter {
  messageId: string;
  /** Who parked it ("x-webhook", "triage", "sender"); "redrive-policy" when SQS moved it after failed receives. */
  source: string;
  reason: string;
  parkedAt?: string;
  receiveCount?: number;
  /** What the message is: an interaction (or an account event: both go back to the ingest queue), an outbox entry, or neither (a payload kept for inspection). */
  kind: 'interaction' | 'outbox' | 'other';
  body: string;
  /** Earlier parkings of the same record, oldest first: a redriven record parked again keeps its first reason. */
  earlier?: EarlierParking[];
}

export interface EarlierParking {
  source: string;
  reason: string;
  parkedAt?: string;
}

/** The most earlier parkings a record carries along (the first ones and the latest are what matter). */
const MAX_EARLIER = 5;

function readEarlier(text: string | undefined): EarlierParking[] | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value)) return undefined;
    const entries = value.filter(
      (e): e is EarlierParking =>
        typeof e === 'object' && e !== null && typeof e.source === 'string' && typeof e.reason === 'string',
    );
    return entries.length ? entries : undefined;
  } catch {
    return undefined;
  }
}

/** The history a redriven record carries: what it had, then this parking; the first and the latest kept. */
function historyAfter(letter: DeadLetter): string {
  const all: EarlierParking[] = [
    ...(letter.earlier ?? []),
    {
      source: letter.source,
      reason: letter.reason,
      ...(letter.parkedAt ? { parkedAt: letter.parkedAt } : {}),
    },
  ];
  const kept = all.length > MAX_EARLIER ? [all[0] as EarlierParking, ...all.slice(-(MAX_EARLIER - 1))] : all;
  return JSON.stringify(kept);
}

/** The embedded queues' URLs from the endpoint `socialcare start` prints ("SQS (fauxqs): …"). */
export async function localDlqQueues(client: SQSClient): Promise<DlqQueues> {
  const url = async (QueueName: string) => {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName }));
    if (!QueueUrl) throw new Error(`no queue ${QueueName} at this endpoint`);
    return QueueUrl;
  };
  return {
    client,
    deadLetterQueueUrl: await url(LOCAL_QUEUE_NAMES.deadLetters),
    ingestQueueUrl: await url(LOCAL_QUEUE_NAMES.ingest),
    outboxQueueUrl: await url(LOCAL_QUEUE_NAMES.outbox),
  };
}

function kindOf(body: string): DeadLetter['kind'] {
  try {
    const value = JSON.parse(body) as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { outboxId?: unknown }).outboxId === 'string' &&
      Object.keys(value).every((key) => ['outboxId', 'notBefore', 'deferrals'].includes(key))
    ) {
      return 'outbox';
    }
  } catch {
    return 'other';
  }
  try {
    parseIngestItem(body);
    return 'interaction';
  } catch {
    return 'other';
  }
}

function describe(message: Message): DeadLetter {
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const source = attribute('source');
  const receives = Number(message.Attributes?.ApproximateReceiveCount);
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    source: source ?? 'redrive-policy',
    reason:
      attribute('reason') ??
      'failed every receive and was moved by the queue redrive policy; the consumer log names the error',
    ...(attribute('parkedAt') ? { parkedAt: attribute('parkedAt') } : {}),
    ...(Number.isFinite(receives) ? { receiveCount: receives } : {}),
    kind: kindOf(body),
    body,
    ...(readEarlier(attribute('earlier')) ? { earlier: readEarlier(attribute('earlier')) } : {}),
  };
}

async function receiveBatch(queues: DlqQueues, visibilitySeconds: number): Promise<Message[]> {
  const { Messages = [] } = await queues.client.send(
    new ReceiveMessageCommand({
      QueueUrl: queues.deadLetterQueueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: visibilitySeconds,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    }),
  );
  return Messages;
}

/** Makes received messages visible again at once (what list peeked at, what redrive left). */
async function release(queues: DlqQueues, messages: Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const batch = messages.slice(start, start + 10);
    await queues.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        Entries: batch.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

/**
 * Reads up to `max` dead letters (of `source` only, when given) without removing them: each is hidden
 * while the listing runs, then made visible again.
 */
export async function listDeadLetters(queues: DlqQueues, max = 100, source?: string): Promise<DeadLetter[]> {
  const seen = new Map<string, Message>();
  try {
    for (let empty = 0; seen.size < max && empty < 2; ) {
      const batch = await receiveBatch(queues, 30);
      const fresh = batch.filter((m) => m.MessageId && !seen.has(m.MessageId));
      for (const m of fresh) seen.set(m.MessageId as string, m);
      if (!fresh.length) empty++;
    }
  } finally {
    await release(queues, [...seen.values()]);
  }
  return [...seen.values()]
    .map(describe)
    .filter((letter) => !source || letter.source === source)
    .slice(0, max);
}

export interface RedriveResult {
  /** Sent back, by target queue. */
  toIngest: number;
  toOutbox: number;
  /** Left in the DLQ: neither an interaction nor an outbox entry (use --all to send them to triage anyway). */
  left: number;
  messages: Array<DeadLetter & { action: 'ingest' | 'outbox' | 'left' }>;
}

/**
 * Sends dead letters back where they came from: interactions to the ingest queue, outbox entries to the
 * outbox queue, each deleted from the DLQ only after it was sent (a crash in between gives a duplicate,
 * which triage and the sender absorb, never a loss). What is neither stays unless `all` is set, when it
 * goes to triage, which parks it again with its reason if it still cannot be read.
 */
export async function redriveDeadLetters(
  queues: DlqQueues,
  options: { max?: number; all?: boolean; source?: string; dryRun?: boolean } = {},
): Promise<RedriveResult> {
  const max = options.max ?? 1000;
  const result: RedriveResult = { toIngest: 0, toOutbox: 0, left: 0, messages: [] };
  const kept = new Map<string, Message>();
  // Only what was there when the redrive began: a record sent back that is parked again is a new
  // message, and sending it once more would go round in circles.
  const startedAt = Date.now();
  try {
    for (let handled = 0, empty = 0; handled < max && empty < 2; ) {
      const batch = (await receiveBatch(queues, 60)).filter((m) => m.MessageId && !kept.has(m.MessageId));
      if (!batch.length) {
        empty++;
        continue;
      }
      empty = 0;
      for (const message of batch) {
        if (handled >= max || Number(message.Attributes?.SentTimestamp ?? 0) > startedAt) {
          kept.set(message.MessageId as string, message);
          continue;
        }
        handled++;
        const letter = describe(message);
        const target =
          options.source && letter.source !== options.source
            ? undefined
            : letter.kind === 'outbox' && queues.outboxQueueUrl
              ? queues.outboxQueueUrl
              : letter.kind === 'interaction' || (options.all && letter.kind === 'other')
                ? queues.ingestQueueUrl
                : undefined;
        const action = target === undefined ? 'left' : target === queues.ingestQueueUrl ? 'ingest' : 'outbox';
        result.messages.push({ ...letter, action });
        if (action === 'left' || options.dryRun) {
          kept.set(message.MessageId as string, message);
          if (action === 'left') result.left++;
          else if (action === 'ingest') result.toIngest++;
          else result.toOutbox++;
          continue;
        }
        const attributes: Record<string, MessageAttributeValue> = {};
        for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
          // The DLQ's own notes travel as history (a record parked again keeps its first reason); the
          // platform and brand go along as they were.
          if (!['source', 'reason', 'parkedAt', 'earlier'].includes(name)) attributes[name] = value;
        }
        attributes.earlier = { DataType: 'String', StringValue: historyAfter(letter) };
        await queues.client.send(
          new SendMessageCommand({
            QueueUrl: target,
            MessageBody: letter.body,
            ...(Object.keys(attributes).length ? { MessageAttributes: attributes } : {}),
          }),
        );
        await queues.client.send(
          new DeleteMessageCommand({
            QueueUrl: queues.deadLetterQueueUrl,
            ReceiptHandle: message.ReceiptHandle,
          }),
        );
        if (action === 'ingest') result.toIngest++;
        else result.toOutbox++;
      }
    }
  } finally {
    await release(queues, [...kept.values()]);
  }
  return result;
}

/** One line per dead letter for a person; bodies are cut short (they hold customers' posts). */
export function formatDeadLetters(letters: DeadLetter[]): string {
  if (!letters.length) return 'the dead-letter queue is empty\n';
  const lines = letters.map((l) => {
    const body = l.body.length > 80 ? `${l.body.slice(0, 79)}…` : l.body;
    return [
      `${l.messageId}  source=${l.source}  kind=${l.kind}${l.parkedAt ? `  parkedAt=${l.parkedAt}` : ''}${l.receiveCount !== undefined ? `  receives=${l.receiveCount}` : ''}`,
      `    reason: ${l.reason}`,
      ...(l.earlier ?? []).map(
        (e, i) =>
          `    ${i === 0 ? 'first parked' : 'then parked'}: source=${e.source}${e.parkedAt ? `  parkedAt=${e.parkedAt}` : ''}  reason: ${e.reason}`,
      ),
      `    body:   ${body.replace(/\s+/g, ' ')}`,
    ].join('\n');
  });
  return `${letters.length} dead letter(s):\n${lines.join('\n')}\n`;
}
