import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AgentRecord, AgentRegistry } from '../../core/access/agents';
import { keys } from './table-design';
import { queryAll, withoutTableAttributes } from './table-items';

/**
 * The agent registry in the single table: one item per agent in the agents' partition (listed in
 * one query) and, for a local token, one lookup item keyed by the token's SHA-256.
 */
export class DynamoAgentRegistry implements AgentRegistry {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async addAgent(agent: AgentRecord): Promise<'written' | 'duplicate'> {
    const absent = 'attribute_not_exists(PK)';
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.agent(agent.id), entity: 'agent', ...agent },
                ConditionExpression: absent,
              },
            },
            ...(agent.tokenHash
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: { ...keys.agentToken(agent.tokenHash), entity: 'agent-token', agentId: agent.id },
                      ConditionExpression: absent,
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'duplicate';
      throw error;
    }
  }

  async getAgent(id: string): Promise<AgentRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.agent(id), ConsistentRead: true }),
    );
    return Item ? withoutTableAttributes<AgentRecord>(Item) : undefined;
  }

  async findByTokenHash(tokenHash: string): Promise<AgentRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.agentToken(tokenHash), ConsistentRead: true }),
    );
    if (!Item || typeof Item.agentId !== 'string') return undefined;
    const agent = await this.getAgent(Item.agentId);
    return agent?.tokenHash === tokenHash && !agent.removedAt ? agent : undefined;
  }

  async listAgents(): Promise<AgentRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.agent('').PK },
    });
    return items.map((item) => withoutTableAttributes<AgentRecord>(item)).filter((agent) => !agent.removedAt);
  }

  /**
   * Kept, marked removed, its token revoked: the audit trail still names who did what, and the
   * agent API needs no DeleteItem on the table.
   */
  async removeAgent(id: string): Promise<boolean> {
    const agent = await this.getAgent(id);
    if (!agent || agent.removedAt) return false;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.agent(id),
                UpdateExpression: 'SET removedAt = :at REMOVE tokenHash',
                ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(removedAt)',
                ExpressionAttributeValues: { ':at': new Date().toISOString() },
              },
            },
            ...(agent.tokenHash
              ? [
                  {
                    Update: {
                      TableName: this.tableName,
                      Key: keys.agentToken(agent.tokenHash),
                      UpdateExpression: 'REMOVE agentId SET revokedAt = :at',
                      ExpressionAttributeValues: { ':at': new Date().toISOString() },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }
}
