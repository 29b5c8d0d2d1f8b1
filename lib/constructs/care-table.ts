import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS } from '../../functions/adapters/aws/table-design';

export type TableAccess = 'read' | 'readWrite';

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];

/**
 * What each access level may do. No Scan and no DeleteItem: nothing in socialcare needs them.
 * TransactWriteItems is authorized per item by the Put/Update/ConditionCheck actions below.
 */
const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: READ_ACTIONS,
  readWrite: [...READ_ACTIONS, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
};

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
   * Grants a function access to the table and its two indexes and sets TABLE_NAME, together, so the
   * permission and the variable never drift. Index ARNs are named one by one: no wildcard.
   */
  bindTable(fn: lambda.Function, access: TableAccess): void {
    const indexArns = TABLE_INDEXES.map((index) => `${this.table.tableArn}/index/${index.name}`);
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: TABLE_ACTIONS[access],
      resourceArns: [this.table.tableArn],
    });
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['dynamodb:Query'], resourceArns: indexArns });
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
  }
}
