import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table's keys and indexes. The CDK construct and the embedded table are both built from
 * these names, so the two never drift.
 */
export const TABLE_KEYS = { partition: 'PK', sort: 'SK', ttl: 'expiresAt' } as const;

/** Sparse: only open cases with a next deadline; sharded so the SLA monitor reads only what is due. */
export const DEADLINE_INDEX = { name: 'deadline-index', partition: 'dueShard', sort: 'dueAt' } as const;
export const DEADLINE_SHARDS = 16;
export const allDeadlineShards = () => Array.from({ length: DEADLINE_SHARDS }, (_, i) => `DUE#${i}`);
/** Pages recorded but not yet published sit in the deadline index under this key until published. */
export const UNPUBLISHED_PAGES_SHARD = 'PAGES#UNPUBLISHED';
/** Published pages whose chain may climb sit in the deadline index under this key, by when to climb. */
export const ESCALATING_PAGES_SHARD = 'PAGES#ESCALATING';
/** Outbox entries not yet sent sit in the deadline index under this key, by when to sweep them. */
export const UNSENT_OUTBOX_SHARD = 'OUTBOX#UNSENT';

/** Sparse: open cases per brand, ordered by their next deadline: the agent queue. */
export const QUEUE_INDEX = { name: 'queue-index', partition: 'queueKey', sort: 'queueSortKey' } as const;

/** Every case per brand by when it opened: reports over a period. */
export const HISTORY_INDEX = { name: 'history-index', partition: 'historyKey', sort: 'openedAt' } as const;

export const TABLE_INDEXES = [DEADLINE_INDEX, QUEUE_INDEX, HISTORY_INDEX] as const;

export const keys = {
  case: (caseId: string) => ({ PK: `CASE#${caseId}`, SK: 'CASE' }),
  message: (caseId: string, receivedAt: string, platform: string, platformMessageId: string) => ({
    PK: `CASE#${caseId}`,
    SK: `MSG#${receivedAt}#${platform}#${platformMessageId}`,
  }),
  recorded: (platform: string, platformMessageId: string) => ({
    PK: `SEEN#${platform}#${platformMessageId}`,
    SK: 'SEEN',
  }),
  page: (pageId: string) => ({ PK: `PAGE#${pageId}`, SK: 'PAGE' }),
  /** Whether one of our accounts must be re-authorized (X oauth.revoke). */
  accountAuthorization: (platform: string, accountId: string) => ({
    PK: `ACCOUNT#${platform}#${accountId}`,
    SK: 'AUTHORIZATION',
  }),
  outbox: (outboxId: string) => ({ PK: `OUTBOX#${outboxId}`, SK: 'OUTBOX' }),
  customer: (platform: string, customerId: string, brandId: string) => ({
    PK: `CUSTOMER#${platform}#${customerId}`,
    SK: `BRAND#${brandId}`,
  }),
  /** The agent registry: every agent in one partition (a team is hundreds, not millions). */
  agent: (agentId: string) => ({ PK: 'AGENTS', SK: `AGENT#${agentId}` }),
  agentToken: (tokenHash: string) => ({ PK: `AGENT_TOKEN#${tokenHash}`, SK: 'TOKEN' }),
  /** The audit trail, per brand and UTC day (exports) and under the case (shown with it). */
  brandAudit: (brandId: string, day: string, auditId: string) => ({
    PK: `AUDIT#${brandId}#${day}`,
    SK: auditId,
  }),
  caseAudit: (caseId: string, auditId: string) => ({ PK: `CASE#${caseId}`, SK: `AUDIT#${auditId}` }),
  /** A brand's routing rules, one item per saved version (never overwritten). */
  routingVersion: (brandId: string, version: number) => ({
    PK: `ROUTING#${brandId}`,
    SK: `V#${String(version).padStart(9, '0')}`,
  }),
  /** Each agent's presence and open cases, all in one partition (listed in one query). */
  agentState: (agentId: string) => ({ PK: 'AGENT_STATE', SK: `AGENT#${agentId}` }),
  /** Agents' corrections kept as labelled examples, per brand by time (rare: one partition per brand). */
  label: (brandId: string, at: string, caseId: string, messageId: string) => ({
    PK: `LABELS#${brandId}`,
    SK: `${at}#${caseId}#${messageId}`,
  }),
};

/** FNV-1a: a stable, well-spread shard for a case id. */
export function deadlineShard(caseId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) {
    hash ^= caseId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `DUE#${hash % DEADLINE_SHARDS}`;
}

/** The same table for DynamoDB Local. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partition, AttributeType: 'S' },
      { AttributeName: TABLE_KEYS.sort, AttributeType: 'S' },
      { AttributeName: DEADLINE_INDEX.partition, AttributeType: 'S' },
      { AttributeName: DEADLINE_INDEX.sort, AttributeType: 'S' },
      { AttributeName: QUEUE_INDEX.partition, AttributeType: 'S' },
      { AttributeName: QUEUE_INDEX.sort, AttributeType: 'S' },
      { AttributeName: HISTORY_INDEX.partition, AttributeType: 'S' },
      { AttributeName: HISTORY_INDEX.sort, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partition, KeyType: 'HASH' },
        { AttributeName: index.sort, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
