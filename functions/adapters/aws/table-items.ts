import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { DEADLINE_INDEX, HISTORY_INDEX, QUEUE_INDEX, TABLE_KEYS } from './table-design';

/** The table's own attributes (keys, index keys, the entity tag): never part of what a store returns. */
const TABLE_ATTRIBUTES = new Set<string>([
  TABLE_KEYS.partition,
  TABLE_KEYS.sort,
  'entity',
  DEADLINE_INDEX.partition,
  DEADLINE_INDEX.sort,
  QUEUE_INDEX.partition,
  QUEUE_INDEX.sort,
  HISTORY_INDEX.partition,
]);

/** An item as the domain knows it: without the table's own attributes. */
export function withoutTableAttributes<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!TABLE_ATTRIBUTES.has(key)) out[key] = value;
  return out as T;
}

/** Every page of a query, up to `max` items. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof QueryCommand>[0],
  max = Number.POSITIVE_INFINITY,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && items.length < max);
  return items;
}
