import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CorrectionStore, LabelledExample } from '../../core/corrections';
import { keys } from './table-design';
import { queryAll, withoutTableAttributes } from './table-items';

/** Agents' corrections as labelled examples: one item each, per brand by time. */
export class DynamoCorrectionStore implements CorrectionStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async add(example: LabelledExample): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.label(example.brandId, example.at, example.caseId, example.platformMessageId),
          entity: 'label',
          ...example,
        },
      }),
    );
  }

  async listForBrand(brandId: string, from: string, to: string): Promise<LabelledExample[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `LABELS#${brandId}`, ':from': from, ':to': `${to}#~` },
    });
    return items.map((item) => withoutTableAttributes<LabelledExample>(item));
  }
}
