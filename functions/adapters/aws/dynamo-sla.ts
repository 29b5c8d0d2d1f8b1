import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EscalationState } from '../../core/escalation';
import type { Page, PageAcknowledgement, PageRecord, PageStore } from '../../core/paging';
import type { DueCaseFinder } from '../../core/sla-monitor';
import {
  allDeadlineShards,
  DEADLINE_INDEX,
  ESCALATING_PAGES_SHARD,
  keys,
  QUEUE_INDEX,
  UNPUBLISHED_PAGES_SHARD,
} from './table-design';
import { queryAll, withoutTableAttributes } from './table-items';

/** A monitor run reads at most this many due items per shard (the rest are read on the next run). */
const MAX_ITEMS_PER_QUERY = 10_000;

/** Reads only what is due: every shard of the sparse deadline index, up to now, in parallel. */
export class DynamoDueCaseFinder implements DueCaseFinder {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async findDueCaseIds(now: Date): Promise<string[]> {
    const shards = await Promise.all(
      allDeadlineShards().map((shard) =>
        queryAll(
          this.doc,
          {
            TableName: this.tableName,
            IndexName: DEADLINE_INDEX.name,
            KeyConditionExpression: '#shard = :shard AND #due <= :now',
            ExpressionAttributeNames: { '#shard': DEADLINE_INDEX.partition, '#due': DEADLINE_INDEX.sort },
            ExpressionAttributeValues: { ':shard': shard, ':now': now.toISOString() },
            ProjectionExpression: 'PK',
          },
          MAX_ITEMS_PER_QUERY,
        ),
      ),
    );
    return shards.flat().map((item) => String(item.PK).slice('CASE#'.length));
  }
}

/** Pages in the care table: listed per brand newest first (queue index), unpublished ones findable. */
export class DynamoPageStore implements PageStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async createPage(page: Page): Promise<'created' | 'duplicate'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.page(page.pageId),
            entity: 'page',
            ...page,
            status: 'pending',
            [DEADLINE_INDEX.partition]: UNPUBLISHED_PAGES_SHARD,
            [DEADLINE_INDEX.sort]: page.createdAt,
            [QUEUE_INDEX.partition]: `PAGES#${page.brandId}`,
            [QUEUE_INDEX.sort]: `${page.createdAt}#${page.pageId}`,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  async markPublished(pageId: string, at: string, escalateAt?: string): Promise<void> {
    const names = { '#status': 'status', '#shard': DEADLINE_INDEX.partition, '#due': DEADLINE_INDEX.sort };
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.page(pageId),
        // A page that may climb waits on the escalation index until its wait is over.
        UpdateExpression: escalateAt
          ? 'SET #status = :published, publishedAt = :at, #shard = :escalating, #due = :escalateAt'
          : 'SET #status = :published, publishedAt = :at REMOVE #shard, #due',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':published': 'published',
          ':at': at,
          ...(escalateAt ? { ':escalating': ESCALATING_PAGES_SHARD, ':escalateAt': escalateAt } : {}),
        },
      }),
    );
  }

  async acknowledge(
    pageId: string,
    ack: PageAcknowledgement,
  ): Promise<'acknowledged' | 'already' | 'not_found'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.page(pageId),
          UpdateExpression:
            'SET acknowledgedBy = :by, acknowledgedByName = :name, acknowledgedVia = :via, acknowledgedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(acknowledgedAt)',
          ExpressionAttributeValues: { ':by': ack.by, ':name': ack.byName, ':via': ack.via, ':at': ack.at },
        }),
      );
      return 'acknowledged';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const [page] = await this.getPages([pageId]);
      return page ? 'already' : 'not_found';
    }
  }

  async listDueEscalations(now: string): Promise<PageRecord[]> {
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: DEADLINE_INDEX.name,
        KeyConditionExpression: '#shard = :shard AND #due <= :now',
        ExpressionAttributeNames: { '#shard': DEADLINE_INDEX.partition, '#due': DEADLINE_INDEX.sort },
        ExpressionAttributeValues: { ':shard': ESCALATING_PAGES_SHARD, ':now': now },
        ProjectionExpression: 'PK',
      },
      MAX_ITEMS_PER_QUERY,
    );
    // Read back whole and consistent (the index is eventually consistent and projects keys only).
    return this.getPages(items.map((item) => String(item.PK).slice('PAGE#'.length)));
  }

  async climb(
    pageId: string,
    from: number,
    next: EscalationState,
    at: string,
  ): Promise<'climbed' | 'conflict'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.page(pageId),
          // Pending until published: a monitor that dies here leaves it for republishStuckPages.
          UpdateExpression:
            'SET #level = :next, levelName = :name, levels = :levels, targets = :targets, #status = :pending, #shard = :unpublished, #due = :at' +
            (next.escalateAt ? ', escalateAt = :escalateAt' : ' REMOVE escalateAt'),
          ConditionExpression:
            'attribute_exists(PK) AND (#level = :from OR (attribute_not_exists(#level) AND :from = :one)) AND attribute_not_exists(acknowledgedAt) AND attribute_not_exists(stoppedAt)',
          ExpressionAttributeNames: {
            '#level': 'level',
            '#status': 'status',
            '#shard': DEADLINE_INDEX.partition,
            '#due': DEADLINE_INDEX.sort,
          },
          ExpressionAttributeValues: {
            ':next': next.level,
            ':name': next.levelName,
            ':levels': next.levels,
            ':targets': next.targets,
            ':pending': 'pending',
            ':unpublished': UNPUBLISHED_PAGES_SHARD,
            ':at': at,
            ':from': from,
            ':one': 1,
            ...(next.escalateAt ? { ':escalateAt': next.escalateAt } : {}),
          },
        }),
      );
      return 'climbed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  async stop(pageId: string, reason: 'answered' | 'resolved', at: string): Promise<'stopped' | 'already'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.page(pageId),
          UpdateExpression: 'SET stoppedAt = :at, stopReason = :reason REMOVE #shard, #due',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(stoppedAt)',
          ExpressionAttributeNames: { '#shard': DEADLINE_INDEX.partition, '#due': DEADLINE_INDEX.sort },
          ExpressionAttributeValues: { ':at': at, ':reason': reason },
        }),
      );
      return 'stopped';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already';
      throw error;
    }
  }

  async clearEscalation(pageId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.page(pageId),
          UpdateExpression: 'REMOVE #shard, #due',
          // Only off the escalation index: a page pending publication stays findable.
          ConditionExpression: '#shard = :escalating',
          ExpressionAttributeNames: { '#shard': DEADLINE_INDEX.partition, '#due': DEADLINE_INDEX.sort },
          ExpressionAttributeValues: { ':escalating': ESCALATING_PAGES_SHARD },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listUnpublished(before: string): Promise<PageRecord[]> {
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: DEADLINE_INDEX.name,
        KeyConditionExpression: '#shard = :shard AND #due < :before',
        ExpressionAttributeNames: { '#shard': DEADLINE_INDEX.partition, '#due': DEADLINE_INDEX.sort },
        ExpressionAttributeValues: { ':shard': UNPUBLISHED_PAGES_SHARD, ':before': before },
      },
      MAX_ITEMS_PER_QUERY,
    );
    return items.map((item) => withoutTableAttributes<PageRecord>(item));
  }

  async getPages(pageIds: string[]): Promise<PageRecord[]> {
    // Single reads (a case has a handful of candidate ids): the same read the functions already do.
    const items = await Promise.all(
      pageIds.map((pageId) =>
        this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.page(pageId) })),
      ),
    );
    return items
      .flatMap(({ Item }) => (Item ? [withoutTableAttributes<PageRecord>(Item)] : []))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async listPages(limit: number, brandId: string): Promise<PageRecord[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: QUEUE_INDEX.name,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': QUEUE_INDEX.partition },
        ExpressionAttributeValues: { ':key': `PAGES#${brandId}` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => withoutTableAttributes<PageRecord>(item));
  }
}
