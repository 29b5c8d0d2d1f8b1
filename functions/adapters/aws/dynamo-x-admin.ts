import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RefreshLease, WebhookHealthState, WebhookHealthStore } from '../../core/x-admin/ports';

const HEALTH_KEY = { PK: 'XWEBHOOK#health', SK: 'STATE' };
const leaseKey = (accountId: string) => ({ PK: `XTOKEN#${accountId}`, SK: 'LEASE' });

/** The webhook health check's state: one item, written only when its version is the one read. */
export class DynamoWebhookHealthStore implements WebhookHealthStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async read(): Promise<WebhookHealthState> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: HEALTH_KEY, ConsistentRead: true }),
    );
    if (!Item) return { version: 0 };
    const { PK: _pk, SK: _sk, entity: _entity, ...state } = Item;
    return state as WebhookHealthState;
  }

  async write(state: WebhookHealthState, expectedVersion: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...HEALTH_KEY, entity: 'x-webhook-health', ...state },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** One token refresher per X account: a conditional put that only a free or expired lease lets through. */
export class DynamoRefreshLease implements RefreshLease {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async acquire(accountId: string, owner: string, until: Date, now: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...leaseKey(accountId),
            entity: 'x-token-lease',
            owner,
            until: until.toISOString(),
            // The table's TTL tidies leases left by a refresher that died.
            expiresAt: Math.floor(until.getTime() / 1000) + 3600,
          },
          ConditionExpression: 'attribute_not_exists(PK) OR #until < :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Expires the lease at once (an update, not a delete: the functions hold no DeleteItem). */
  async release(accountId: string, owner: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leaseKey(accountId),
          UpdateExpression: 'SET #until = :released',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#until': 'until' },
          ExpressionAttributeValues: { ':owner': owner, ':released': new Date(0).toISOString() },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
