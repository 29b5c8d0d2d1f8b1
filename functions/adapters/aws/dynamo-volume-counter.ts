import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { VolumeCounter } from '../../core/spike';

/** Atomic counters per key and bucket in the care table, kept two days (TTL). */
export class DynamoVolumeCounter implements VolumeCounter {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async increment(key: string, bucketStart: Date): Promise<number> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `VOLUME#${key}`, SK: bucketStart.toISOString() },
        UpdateExpression: 'ADD n :one SET expiresAt = :expires',
        ExpressionAttributeValues: {
          ':one': 1,
          ':expires': Math.floor(bucketStart.getTime() / 1000) + 2 * 86_400,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.n ?? 0);
  }

  async counts(key: string, bucketStarts: Date[]): Promise<number[]> {
    if (!bucketStarts.length) return [];
    const { Responses } = await this.doc.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: { Keys: bucketStarts.map((b) => ({ PK: `VOLUME#${key}`, SK: b.toISOString() })) },
        },
      }),
    );
    const found = new Map(
      (Responses?.[this.tableName] ?? []).map((item) => [String(item.SK), Number(item.n ?? 0)]),
    );
    return bucketStarts.map((b) => found.get(b.toISOString()) ?? 0);
  }
}
