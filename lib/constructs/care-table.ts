import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS } from '../../functions/adapters/aws/table-design';

export type TableIndexName = (typeof TABLE_INDEXES)[number]['name'];

/** What one function does with the table: read only or also write, and which indexes it queries. */
export interface TableAccess {
  readonly write: boolean;
  /** The indexes it queries (none: no permission on any index). */
  readonly indexes: readonly TableIndexName[];
}

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/**
 * No Scan and no DeleteItem: nothing in socialcare needs them. TransactWriteItems is authorized per
 * item by the Put/Update/ConditionCheck actions.
 */
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];

export interface CareTableProps {
  /**
   * The table holds every case and customer history: it outlives the stack by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly deletionProtection?: boolean;
}

/**
 * The one table (cases, messages, customers, dedupe keys, outbox), built from the same key and index
 * constants as the embedded table of local mode, so the two never drift. On demand, point-in-time
 * recovery, encrypted, expiring dedupe keys by TTL.
 */
export class CareTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: CareTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'table', {
      partitionKey: { name: TABLE_KEYS.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_KEYS.ttl,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partition, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sort, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /**
   * Grants a function what it does with the table (reads, writes if it writes, Query on the indexes it
   * queries and no other) and sets TABLE_NAME, together, so the permission and the variable never
   * drift. Index ARNs are named one by one: no wildcard.
   */
  bindTable(fn: lambda.Function, access: TableAccess): void {
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [...READ_ACTIONS, ...(access.write ? WRITE_ACTIONS : [])],
      resourceArns: [this.table.tableArn],
    });
    if (access.indexes.length) {
      const unknown = access.indexes.filter((name) => !TABLE_INDEXES.some((index) => index.name === name));
      if (unknown.length) throw new Error(`bindTable: no index ${unknown.join(', ')} on the table`);
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: ['dynamodb:Query'],
        resourceArns: [...new Set(access.indexes)].map((name) => `${this.table.tableArn}/index/${name}`),
      });
    }
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
  }
}
