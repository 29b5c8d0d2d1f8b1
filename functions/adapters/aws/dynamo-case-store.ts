import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  AbuseMark,
  CareCase,
  CaseMessage,
  CaseNote,
  CaseStore,
  CustomerProfile,
  CustomerRef,
  WriteOutcome,
} from '../../core/cases';
import { recordedKey } from '../../core/cases';
import type { Platform } from '../../core/interaction';
import { DEADLINE_INDEX, deadlineShard, HISTORY_INDEX, keys, QUEUE_INDEX } from './table-design';
import { queryAll, withoutTableAttributes } from './table-items';

/** How long the "already recorded" key of a platform message is kept: far beyond any platform or SQS retry. */
const RECORDED_TTL_SECONDS = 30 * 24 * 3600;

/** A case as the table stores it, with its index keys (tests write queues of cases directly). */
export function caseItem(careCase: CareCase): Record<string, unknown> {
  const item: Record<string, unknown> = { ...keys.case(careCase.caseId), entity: 'case', ...careCase };
  // The deadline index holds only cases the SLA monitor must look at, keyed by when to look.
  if (careCase.status === 'open' && careCase.sla?.checkAt) {
    item[DEADLINE_INDEX.partition] = deadlineShard(careCase.caseId);
    item[DEADLINE_INDEX.sort] = careCase.sla.checkAt;
  }
  item[HISTORY_INDEX.partition] = `HISTORY#${careCase.brandId}`;
  if (careCase.status !== 'resolved') {
    item[QUEUE_INDEX.partition] = `QUEUE#${careCase.brandId}`;
    item[QUEUE_INDEX.sort] = `${careCase.nextDeadlineAt ?? '9999'}#${careCase.caseId}`;
  }
  return item;
}

function messageItem(message: CaseMessage): Record<string, unknown> {
  return {
    ...keys.message(message.caseId, message.receivedAt, message.platform, message.platformMessageId),
    entity: 'message',
    ...message,
  };
}

function recordedItem(message: CaseMessage, now: Date): Record<string, unknown> {
  return {
    ...keys.recorded(message.platform, message.platformMessageId),
    entity: 'recorded',
    caseId: message.caseId,
    expiresAt: Math.floor(now.getTime() / 1000) + RECORDED_TTL_SECONDS,
  };
}

/** Which items of a cancelled transaction failed their condition. */
function failedConditions(error: unknown): boolean[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code === 'ConditionalCheckFailed');
}

function isTransactionConflict(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict')
  );
}

export class DynamoCaseStore implements CaseStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async findRecorded(items: Array<{ platform: Platform; platformMessageId: string }>): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Map(items.map((i) => [recordedKey(i.platform, i.platformMessageId), i])).values()];
    for (let start = 0; start < unique.length; start += 100) {
      let pending: Array<Record<string, unknown>> | undefined = unique
        .slice(start, start + 100)
        .map((i) => keys.recorded(i.platform, i.platformMessageId));
      for (let attempt = 0; pending?.length && attempt < 5; attempt++) {
        const result: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ProjectionExpression: 'PK' } },
          }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const [, platform, ...id] = String(item.PK).split('#');
          found.add(recordedKey(platform as Platform, id.join('#')));
        }
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async getCustomerProfile(brandId: string, customer: CustomerRef): Promise<CustomerProfile | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.customer(customer.platform, customer.id, brandId),
        ConsistentRead: true,
      }),
    );
    const item = result.Item;
    if (!item) return undefined;
    return {
      ...(typeof item.openCaseId === 'string' ? { openCaseId: item.openCaseId } : {}),
      caseCount: typeof item.caseCount === 'number' ? item.caseCount : 0,
      ...(Array.isArray(item.caseIds) ? { caseIds: item.caseIds as string[] } : {}),
      ...(item.abusive ? { abusive: item.abusive as AbuseMark } : {}),
      ...(Array.isArray(item.links) && item.links.length
        ? {
            links: [
              ...new Map((item.links as CustomerRef[]).map((l) => [`${l.platform}:${l.id}`, l])).values(),
            ],
          }
        : {}),
      ...(typeof item.crmId === 'string' ? { crmId: item.crmId } : {}),
    };
  }

  async linkCustomers(brandId: string, a: CustomerRef, b: CustomerRef): Promise<void> {
    const link = (from: CustomerRef, to: CustomerRef) =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.customer(from.platform, from.id, brandId),
          UpdateExpression: 'SET links = list_append(if_not_exists(links, :none), :link), entity = :entity',
          ExpressionAttributeValues: {
            ':none': [],
            ':link': [{ platform: to.platform, id: to.id }],
            ':entity': 'customer',
          },
        }),
      );
    await Promise.all([link(a, b), link(b, a)]);
  }

  async setCrmId(brandId: string, customer: CustomerRef, crmId: string | null): Promise<void> {
    await this.setCustomerField(brandId, customer, 'crmId', crmId);
  }

  async markAbusive(brandId: string, customer: CustomerRef, mark: AbuseMark | null): Promise<void> {
    await this.setCustomerField(brandId, customer, 'abusive', mark);
  }

  /** Sets one field of the customer's record (creating the record), or removes it when empty. */
  private async setCustomerField(
    brandId: string,
    customer: CustomerRef,
    field: 'crmId' | 'abusive',
    value: unknown,
  ): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.customer(customer.platform, customer.id, brandId),
        ...(value
          ? {
              UpdateExpression: `SET ${field} = :value, entity = :entity`,
              ExpressionAttributeValues: { ':value': value, ':entity': 'customer' },
            }
          : { UpdateExpression: `REMOVE ${field}` }),
      }),
    );
  }

  /**
   * The two writes every recorded message makes, each once only: the platform-id marker that dedupes
   * redeliveries and the message itself. They stand second and third in the transaction, so a failed
   * condition there means a duplicate.
   */
  private messageWrites(message: CaseMessage, now: Date) {
    const once = (Item: Record<string, unknown>) => ({
      Put: { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' },
    });
    return [once(recordedItem(message, now)), once(messageItem(message))];
  }

  async getCase(caseId: string): Promise<CareCase | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ConsistentRead: true }),
    );
    return result.Item ? withoutTableAttributes<CareCase>(result.Item) : undefined;
  }

  async openCase(careCase: CareCase, message: CaseMessage): Promise<WriteOutcome> {
    const now = this.now();
    const { customer } = careCase;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: caseItem(careCase),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            ...this.messageWrites(message, now),
            {
              Update: {
                TableName: this.tableName,
                Key: keys.customer(customer.platform, customer.id, careCase.brandId),
                UpdateExpression:
                  'SET openCaseId = :caseId, entity = :entity, handle = :handle, displayName = :name, lastSeenAt = :now, caseIds = list_append(if_not_exists(caseIds, :none), :caseIdList) ADD caseCount :one',
                ConditionExpression: 'attribute_not_exists(openCaseId)',
                ExpressionAttributeValues: {
                  ':caseId': careCase.caseId,
                  ':entity': 'customer',
                  ':handle': customer.handle ?? null,
                  ':name': customer.name ?? null,
                  ':now': now.toISOString(),
                  ':one': 1,
                  ':none': [],
                  ':caseIdList': [careCase.caseId],
                },
              },
            },
          ],
        }),
      );
      return 'written';
    } catch (error) {
      const failed = failedConditions(error);
      if (failed?.[0] || failed?.[1] || failed?.[2]) return 'duplicate';
      if (failed?.[3] || isTransactionConflict(error)) return 'conflict';
      throw error;
    }
  }

  async attachMessage(
    updated: CareCase,
    expectedVersion: number,
    message: CaseMessage,
  ): Promise<WriteOutcome> {
    const now = this.now();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: caseItem(updated),
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              },
            },
            ...this.messageWrites(message, now),
            ...this.customerUpdate(updated, message, now),
          ],
        }),
      );
      return 'written';
    } catch (error) {
      const failed = failedConditions(error);
      if (failed?.[1] || failed?.[2]) return 'duplicate';
      if (failed?.[0] || isTransactionConflict(error)) return 'conflict';
      throw error;
    }
  }

  /** A resolved case frees its customer's open-case slot (if it still holds it), so a new post opens a new case. */
  private freeOpenCaseSlot(resolved: CareCase) {
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.customer(resolved.customer.platform, resolved.customer.id, resolved.brandId),
          UpdateExpression: 'REMOVE openCaseId',
          ConditionExpression: 'attribute_not_exists(openCaseId) OR openCaseId = :caseId',
          ExpressionAttributeValues: { ':caseId': resolved.caseId },
        },
      },
    ];
  }

  /** The customer's profile follows inbound messages; resolving a case frees their open-case slot. */
  private customerUpdate(updated: CareCase, message: CaseMessage, now: Date) {
    const Key = keys.customer(updated.customer.platform, updated.customer.id, updated.brandId);
    if (updated.status === 'resolved') return this.freeOpenCaseSlot(updated);
    if (message.direction === 'out') return [];
    return [
      {
        Update: {
          TableName: this.tableName,
          Key,
          // A case reopened (auto-close, core/auto-close.ts) takes the free open-case slot back.
          UpdateExpression: 'SET lastSeenAt = :now, openCaseId = if_not_exists(openCaseId, :caseId)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':caseId': updated.caseId },
        },
      },
    ];
  }

  async updateCase(updated: CareCase, expectedVersion: number): Promise<WriteOutcome> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: caseItem(updated),
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              },
            },
            ...(updated.status === 'resolved' ? this.freeOpenCaseSlot(updated) : []),
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (failedConditions(error)?.some(Boolean) || isTransactionConflict(error)) return 'conflict';
      throw error;
    }
  }

  async listOpenCases(brandId: string): Promise<CareCase[]> {
    // Every page (DynamoDB stops a page at 1 MB): the queue's counts are over all open cases.
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: QUEUE_INDEX.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partition },
      ExpressionAttributeValues: { ':pk': `QUEUE#${brandId}` },
    });
    return items.map((item) => withoutTableAttributes<CareCase>(item));
  }

  async addNote(note: CaseNote): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: keys.case(note.caseId).PK,
          SK: `NOTE#${note.at}#${note.noteId}`,
          entity: 'note',
          ...note,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async listNotes(caseId: string): Promise<CaseNote[]> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :note)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':note': 'NOTE#' },
      }),
    );
    return (result.Items ?? []).map((item) => withoutTableAttributes<CaseNote>(item));
  }

  async touchPresence(caseId: string, agent: string, at: Date): Promise<string[]> {
    const PK = keys.case(caseId).PK;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK,
          SK: `VIEWER#${agent}`,
          entity: 'viewer',
          agent,
          seenAt: at.toISOString(),
          expiresAt: Math.floor(at.getTime() / 1000) + 3600,
        },
      }),
    );
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :viewer)',
        ExpressionAttributeValues: { ':pk': PK, ':viewer': 'VIEWER#' },
      }),
    );
    const since = new Date(at.getTime() - 60_000).toISOString();
    return (result.Items ?? [])
      .filter((item) => String(item.seenAt) >= since && item.agent !== agent)
      .map((item) => String(item.agent));
  }

  async listCasesOpenedBetween(brandId: string, from: string, to: string): Promise<CareCase[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: HISTORY_INDEX.name,
      KeyConditionExpression: '#key = :key AND #opened BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#key': HISTORY_INDEX.partition, '#opened': HISTORY_INDEX.sort },
      ExpressionAttributeValues: { ':key': `HISTORY#${brandId}`, ':from': from, ':to': to },
    });
    return items.map((item) => withoutTableAttributes<CareCase>(item));
  }

  /** The same cases a page at a time, as DynamoDB reads them: what exports stream from. */
  async *pageCasesOpenedBetween(brandId: string, from: string, to: string): AsyncIterable<CareCase[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: HISTORY_INDEX.name,
          KeyConditionExpression: '#key = :key AND #opened BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#key': HISTORY_INDEX.partition, '#opened': HISTORY_INDEX.sort },
          ExpressionAttributeValues: { ':key': `HISTORY#${brandId}`, ':from': from, ':to': to },
          ExclusiveStartKey,
        }),
      );
      const cases = (page.Items ?? []).map((item) => withoutTableAttributes<CareCase>(item));
      if (cases.length) yield cases;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async listMessages(caseId: string): Promise<CaseMessage[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :msg)',
      ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':msg': 'MSG#' },
    });
    return items.map((item) => withoutTableAttributes<CaseMessage>(item));
  }
}
