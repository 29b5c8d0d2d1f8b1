import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { XPollStateStore, XStreamCursor } from '../../core/x-intake/poll';

/** The key prefixes of the poller's items: what its Lambda may touch (the CDK grant names them). */
export const X_POLL_KEY_PREFIXES = ['XPOLL#', 'XSPEND#'] as const;

/**
 * The poller's cursors (one item per stream, with its lease) and its read spend (one counter per brand
 * and month) in the care table. Every write is single-item and conditional on the lease.
 */
export class DynamoXPollState implements XPollStateStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  private key(stream: string) {
    return { PK: `XPOLL#${stream}`, SK: 'CURSOR' };
  }

  async lease(stream: string, owner: string, now: Date, leaseMs: number): Promise<XStreamCursor | undefined> {
    try {
      const { Attributes = {} } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(stream),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': new Date(now.getTime() + leaseMs).toISOString(),
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return {
        ...(typeof Attributes.sinceId === 'string' ? { sinceId: Attributes.sinceId } : {}),
        ...(Attributes.resume ? { resume: Attributes.resume as XStreamCursor['resume'] } : {}),
        ...(typeof Attributes.rateLimitedUntil === 'string'
          ? { rateLimitedUntil: Attributes.rateLimitedUntil }
          : {}),
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async commit(stream: string, owner: string, cursor: XStreamCursor): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(stream), ...cursor, updatedAt: new Date().toISOString() },
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The stored cursor (for operators and tests). */
  async cursor(stream: string): Promise<(XStreamCursor & { leaseOwner?: string }) | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(stream) }),
    );
    return Item as (XStreamCursor & { leaseOwner?: string }) | undefined;
  }

  async addSpend(brandId: string, month: string, resources: number, microUsd: number): Promise<number> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `XSPEND#${brandId}`, SK: month },
        UpdateExpression:
          'ADD microUsd :cost, resources :n SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeValues: {
          ':cost': microUsd,
          ':n': resources,
          // Kept about 13 months, for the yearly look back.
          ':expires': Math.floor(Date.now() / 1000) + 400 * 86_400,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.microUsd ?? 0);
  }

  async spend(brandId: string, month: string): Promise<number> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: `XSPEND#${brandId}`, SK: month } }),
    );
    return Number(Item?.microUsd ?? 0);
  }
}
