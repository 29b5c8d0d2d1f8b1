import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReplyRateLimiter } from '../../core/replies';

/** A conditional counter per key and window; the item expires (TTL) a day after its window. */
export class DynamoRateLimiter implements ReplyRateLimiter {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async tryConsume(key: string, limit: number, windowEnd: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: `RATE#${key}`, SK: windowEnd.toISOString() },
          UpdateExpression: 'ADD used :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':expires': Math.floor(windowEnd.getTime() / 1000) + 86_400,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
