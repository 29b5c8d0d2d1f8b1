import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type AuditLog, auditDays } from '../../core/access/audit';
import { keys } from './table-design';
import { queryAll, withoutTableAttributes } from './table-items';

/**
 * The audit trail in the single table, written once (a condition refuses any overwrite): under the
 * case (shown with it) and under the brand's day (exported per period), both in one transaction.
 */
export class DynamoAuditLog implements AuditLog {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async append(entry: AuditEntry): Promise<void> {
    const put = (key: { PK: string; SK: string }) => ({
      Put: {
        TableName: this.tableName,
        Item: { ...key, entity: 'audit', ...entry },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          put(keys.brandAudit(entry.brandId, entry.at.slice(0, 10), entry.auditId)),
          ...(entry.caseId ? [put(keys.caseAudit(entry.caseId, entry.auditId))] : []),
        ],
      }),
    );
  }

  async listForCase(caseId: string): Promise<AuditEntry[]> {
    const { PK, SK } = keys.caseAudit(caseId, '');
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
      ExpressionAttributeValues: { ':pk': PK, ':audit': SK },
    });
    return items.map((item) => withoutTableAttributes<AuditEntry>(item));
  }

  async *listForBrand(brandId: string, from: string, to: string): AsyncIterable<AuditEntry[]> {
    for (const day of auditDays(from, to)) {
      const { PK } = keys.brandAudit(brandId, day, '');
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page: QueryCommandOutput = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': PK, ':from': from, ':to': `${to}#~` },
            ExclusiveStartKey,
          }),
        );
        const entries = (page.Items ?? []).map((item) => withoutTableAttributes<AuditEntry>(item));
        if (entries.length) yield entries;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
  }
}
