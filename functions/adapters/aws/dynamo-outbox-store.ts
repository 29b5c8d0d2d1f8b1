import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ClaimResult,
  OUTBOX_SWEEP_GRACE_MS,
  type OutboxEntry,
  type OutboxStore,
} from '../../core/outbox';
import { DEADLINE_INDEX, keys, TABLE_KEYS, UNSENT_OUTBOX_SHARD } from './table-design';
import { withoutTableAttributes } from './table-items';

/** A claim older than this is the sender's to give up (deliverOutbound's in-flight timeout, 5 min). */
const SENDING_SWEEP_MS = 6 * 60_000;

/**
 * Outbox entries in the care table; every state change is a conditional single-item write. Unsent
 * entries sit in the deadline index under UNSENT_OUTBOX_SHARD, keyed by when the sweeper should look
 * at them; a sent or closed entry leaves it.
 */
export class DynamoOutboxStore implements OutboxStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private sweepAt(from: Date, ms: number): string {
    return new Date(from.getTime() + ms).toISOString();
  }

  async createOutbox(entry: OutboxEntry): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.outbox(entry.outboxId),
            entity: 'outbox',
            ...entry,
            ...(entry.status === 'pending' || entry.status === 'sending'
              ? {
                  [DEADLINE_INDEX.partition]: UNSENT_OUTBOX_SHARD,
                  [DEADLINE_INDEX.sort]: this.sweepAt(this.now(), OUTBOX_SWEEP_GRACE_MS),
                }
              : {}),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async getOutbox(outboxId: string): Promise<OutboxEntry | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.outbox(outboxId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return withoutTableAttributes<OutboxEntry>(Item);
  }

  async claimOutbox(outboxId: string, now: Date): Promise<ClaimResult> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.outbox(outboxId),
          UpdateExpression:
            'SET #status = :sending, sendingSince = :now, #sweepAt = :sweepAt ADD attempts :one',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#sweepAt': DEADLINE_INDEX.sort },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':pending': 'pending',
            ':now': now.toISOString(),
            ':one': 1,
            ':sweepAt': this.sweepAt(now, SENDING_SWEEP_MS),
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const entry = await this.getOutbox(outboxId);
      if (!entry) return 'missing';
      if (entry.status === 'sent') return 'already_sent';
      if (entry.status === 'sending') return 'in_flight';
      return 'closed';
    }
  }

  private async transition(
    outboxId: string,
    from: string | undefined,
    set: Record<string, unknown>,
    remove: string[] = [],
  ): Promise<void> {
    const names: Record<string, string> = from ? { '#status': 'status' } : {};
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(set).map(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    const removals = remove.map((key, i) => {
      names[`#r${i}`] = key;
      return `#r${i}`;
    });
    if (from) values[':from'] = from;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.outbox(outboxId),
          UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
          ConditionExpression: from ? '#status = :from' : 'attribute_exists(PK)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // Someone else already moved it on: the first word stands.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  releaseOutbox(outboxId: string, error: string, retryAt?: Date): Promise<void> {
    const until = retryAt && retryAt > this.now() ? retryAt : this.now();
    return this.transition(outboxId, 'sending', {
      status: 'pending',
      error,
      ...(retryAt ? { deferredUntil: retryAt.toISOString() } : {}),
      [DEADLINE_INDEX.sort]: this.sweepAt(until, OUTBOX_SWEEP_GRACE_MS),
    });
  }

  completeOutbox(outboxId: string, result: { platformMessageId: string; sentAt: string }): Promise<void> {
    return this.transition(outboxId, undefined, { status: 'sent', ...result }, [
      DEADLINE_INDEX.partition,
      DEADLINE_INDEX.sort,
      'deferredUntil',
    ]);
  }

  closeOutbox(outboxId: string, status: 'failed' | 'uncertain', error: string): Promise<void> {
    return this.transition(outboxId, 'sending', { status, error }, [
      DEADLINE_INDEX.partition,
      DEADLINE_INDEX.sort,
      'deferredUntil',
    ]);
  }

  async takeUnsent(now: Date, limit: number, snoozeMs: number): Promise<string[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DEADLINE_INDEX.name,
        KeyConditionExpression: '#shard = :shard AND #at <= :now',
        ExpressionAttributeNames: { '#shard': DEADLINE_INDEX.partition, '#at': DEADLINE_INDEX.sort },
        ExpressionAttributeValues: { ':shard': UNSENT_OUTBOX_SHARD, ':now': now.toISOString() },
        Limit: limit,
      }),
    );
    const taken: string[] = [];
    for (const item of Items) {
      const outboxId = String(item[TABLE_KEYS.partition]).slice('OUTBOX#'.length);
      try {
        // Only the run that moves the sweep time on takes the entry (overlapping sweeps queue it once).
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.outbox(outboxId),
            UpdateExpression: 'SET #at = :next',
            ConditionExpression: '#at = :seen',
            ExpressionAttributeNames: { '#at': DEADLINE_INDEX.sort },
            ExpressionAttributeValues: {
              ':seen': item[DEADLINE_INDEX.sort],
              ':next': this.sweepAt(now, snoozeMs),
            },
          }),
        );
        taken.push(outboxId);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return taken;
  }
}
