import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CareCase } from '../../core/cases';
import type { AgentStatus } from '../../core/routing/assignment';
import type { AgentState, AssignOutcome, RoutingStore, StoredRouting } from '../../core/routing/dispatch';
import { caseItem } from './dynamo-case-store';
import { keys } from './table-design';
import { queryAll } from './table-items';

function stateOf(item: Record<string, unknown>): AgentState {
  const ids = item.openCaseIds;
  return {
    agentId: String(item.agentId ?? String(item.SK).replace(/^AGENT#/, '')),
    status: item.status === 'available' ? 'available' : 'away',
    ...(typeof item.statusAt === 'string' ? { statusAt: item.statusAt } : {}),
    openCaseIds:
      ids instanceof Set ? [...(ids as Set<string>)].sort() : Array.isArray(ids) ? (ids as string[]) : [],
  };
}

function routingOfItem(item: Record<string, unknown>): StoredRouting {
  return {
    brandId: String(item.brandId),
    version: Number(item.version),
    routing: item.routing as StoredRouting['routing'],
    savedAt: String(item.savedAt),
    savedBy: String(item.savedBy),
  };
}

/**
 * Routing rule versions and agents' states in the single table. An agent's open cases are a string
 * set: adding or removing a case twice changes nothing, and a conditional assignment checks its size.
 */
export class DynamoRoutingStore implements RoutingStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async currentRouting(brandId: string): Promise<StoredRouting | undefined> {
    return (await this.listRoutingVersions(brandId, 1))[0];
  }

  async listRoutingVersions(brandId: string, limit: number): Promise<StoredRouting[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :v)',
        ExpressionAttributeValues: { ':pk': keys.routingVersion(brandId, 0).PK, ':v': 'V#' },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return Items.map(routingOfItem);
  }

  async saveRouting(entry: StoredRouting): Promise<'written' | 'conflict'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.routingVersion(entry.brandId, entry.version), entity: 'routing', ...entry },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'written';
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return 'conflict';
      throw error;
    }
  }

  async listAgentStates(): Promise<AgentState[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.agentState('').PK },
      ConsistentRead: true,
    });
    return items.map(stateOf);
  }

  async getAgentState(agentId: string): Promise<AgentState | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.agentState(agentId), ConsistentRead: true }),
    );
    return Item ? stateOf(Item) : undefined;
  }

  async setStatus(agentId: string, status: AgentStatus, at: string): Promise<AgentState> {
    const { Attributes = {} } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.agentState(agentId),
        UpdateExpression: 'SET #status = :status, statusAt = :at, agentId = :id, entity = :entity',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':at': at, ':id': agentId, ':entity': 'agent-state' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return stateOf(Attributes);
  }

  async assignWithinCapacity(
    updated: CareCase,
    expectedVersion: number,
    agentId: string,
    seenOpenCases: number,
  ): Promise<AssignOutcome> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: caseItem(updated),
                ConditionExpression: 'version = :expected AND attribute_not_exists(assignee)',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: keys.agentState(agentId),
                UpdateExpression: 'ADD openCaseIds :case',
                // Available, and holding exactly the cases the dispatcher counted (fewer than capacity).
                ConditionExpression:
                  seenOpenCases === 0
                    ? '#status = :available AND attribute_not_exists(openCaseIds)'
                    : '#status = :available AND size(openCaseIds) = :seen',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':case': new Set([updated.caseId]),
                  ':available': 'available',
                  ...(seenOpenCases === 0 ? {} : { ':seen': seenOpenCases }),
                },
              },
            },
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = (error.CancellationReasons ?? []).map((r) => r.Code);
        if (reasons[0] === 'ConditionalCheckFailed') return 'conflict';
        if (reasons[1] === 'ConditionalCheckFailed') return 'unavailable';
        // Another transaction touched the case or the agent meanwhile: read both again.
        if (reasons.includes('TransactionConflict')) return 'conflict';
      }
      throw error;
    }
  }

  async hold(agentId: string, caseId: string): Promise<void> {
    await this.changeOpenCases(agentId, caseId, 'ADD');
  }

  async release(agentId: string, caseId: string): Promise<void> {
    await this.changeOpenCases(agentId, caseId, 'DELETE');
  }

  private async changeOpenCases(agentId: string, caseId: string, how: 'ADD' | 'DELETE'): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.agentState(agentId),
        UpdateExpression: `SET agentId = :id, entity = :entity ${how} openCaseIds :case`,
        ExpressionAttributeValues: { ':case': new Set([caseId]), ':id': agentId, ':entity': 'agent-state' },
      }),
    );
  }
}
