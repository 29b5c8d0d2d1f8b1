import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountAuthorization, AccountStatusStore } from '../../core/account-status';
import type { Platform } from '../../core/interaction';
import { keys } from './table-design';
import { withoutTableAttributes } from './table-items';

/** One item per account in the table; each change a single conditional update. */
export class DynamoAccountStatusStore implements AccountStatusStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async markRevoked(
    platform: Platform,
    accountId: string,
    revocation: { at: string; eventId: string },
  ): Promise<'marked' | 'stale'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.accountAuthorization(platform, accountId),
          UpdateExpression:
            'SET entity = :entity, platform = :platform, accountId = :id, revokedAt = :at, revokedEvent = :event',
          ConditionExpression:
            '(attribute_not_exists(reauthorizedAt) OR reauthorizedAt < :at) AND (attribute_not_exists(revokedAt) OR revokedAt <= :at)',
          ExpressionAttributeValues: {
            ':entity': 'account-authorization',
            ':platform': platform,
            ':id': accountId,
            ':at': revocation.at,
            ':event': revocation.eventId,
          },
        }),
      );
      return 'marked';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }

  async markReauthorized(platform: Platform, accountId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.accountAuthorization(platform, accountId),
        UpdateExpression: 'SET entity = :entity, platform = :platform, accountId = :id, reauthorizedAt = :at',
        ExpressionAttributeValues: {
          ':entity': 'account-authorization',
          ':platform': platform,
          ':id': accountId,
          ':at': at,
        },
      }),
    );
  }

  async get(platform: Platform, accountId: string): Promise<AccountAuthorization | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.accountAuthorization(platform, accountId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { entity: _entity, ...rest } = withoutTableAttributes<AccountAuthorization & { entity?: string }>(
      Item,
    );
    return rest;
  }
}
