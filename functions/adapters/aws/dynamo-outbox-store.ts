import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimResult, OutboxEntry, OutboxStore } from '../../core/outbox';
import { keys } from './table-design';
import { withoutTableAttributes } from './table-items';

/** Outbox entries in the care table; every state change is a conditional single-item write. */
export class DynamoOutboxStore implements OutboxStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async createOutbox(entry: OutboxEntry): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.outbox(entry.outboxId), entity: 'outbox', ...entry },
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
          UpdateExpression: 'SET #status = :sending, sendingSince = :now ADD attempts :one',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':pending': 'pending',
            ':now': now.toISOString(),
            ':one': 1,
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
  ): Promise<void> {
    const names: Record<string, string> = from ? { '#status': 'status' } : {};
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(set).map(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    if (from) values[':from'] = from;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.outbox(outboxId),
          UpdateExpression: `SET ${assignments.join(', ')}`,
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

  releaseOutbox(outboxId: string, error: string): Promise<void> {
    return this.transition(outboxId, 'sending', { status: 'pending', error });
  }

  completeOutbox(outboxId: string, result: { platformMessageId: string; sentAt: string }): Promise<void> {
    return this.transition(outboxId, undefined, { status: 'sent', ...result });
  }

  closeOutbox(outboxId: string, status: 'failed' | 'uncertain', error: string): Promise<void> {
    return this.transition(outboxId, 'sending', { status, error });
  }
}
