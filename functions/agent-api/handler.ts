import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { comprehendClient, dynamoClient, s3Client, snsClient, sqsClient } from '../adapters/aws/clients';
import { ComprehendPiiDetector } from '../adapters/aws/comprehend-pii';
import { DynamoAccountStatusStore } from '../adapters/aws/dynamo-account-status';
import { DynamoAgentRegistry } from '../adapters/aws/dynamo-agent-registry';
import { DynamoAuditLog } from '../adapters/aws/dynamo-audit-log';
import { DynamoCaseStore } from '../adapters/aws/dynamo-case-store';
import { DynamoCorrectionStore } from '../adapters/aws/dynamo-correction-store';
import { DynamoOutboxStore } from '../adapters/aws/dynamo-outbox-store';
import { DynamoRoutingStore } from '../adapters/aws/dynamo-routing-store';
import { DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { S3ExportSink } from '../adapters/aws/s3-export-sink';
import { SnsManagerSubscriptions } from '../adapters/aws/sns-manager-subscriptions';
import { SnsPager } from '../adapters/aws/sns-pager';
import { SqsOutboundQueue } from '../adapters/aws/sqs-queues';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import type { HttpEvent, HttpResult } from '../commons/http';
import { logger } from '../commons/logger';
import { createAuthenticator } from '../core/access/agents';
import { AgentDesk } from '../core/agent-desk';
import { BrandDirectory } from '../core/brand-config';
import { createAgentApi } from './agent-api';

const env = requireEnv(['TABLE_NAME', 'OUTBOX_QUEUE_URL', 'ONCALL_TOPIC_ARN', 'EXPORT_BUCKET']);
const dynamo = dynamoClient();
const directory = new BrandDirectory(bundledBrandConfig());
const store = new DynamoCaseStore(dynamo, env.TABLE_NAME);
// Who is who lives in the table, keyed by the Cognito sub: the same registry as locally, managed
// through the API; Cognito only proves who signed in (members of the socialcare-admin group are
// administrators before the registry knows them).
const agents = new DynamoAgentRegistry(dynamo, env.TABLE_NAME);
const audit = new DynamoAuditLog(dynamo, env.TABLE_NAME);

export const handler = middy<HttpEvent, HttpResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createAgentApi({
      store,
      directory,
      pages: new DynamoPageStore(dynamo, env.TABLE_NAME),
      agents,
      labels: new DynamoCorrectionStore(dynamo, env.TABLE_NAME),
      audit,
      authenticator: createAuthenticator(agents),
      auth: 'jwt',
      subscriptions: new SnsManagerSubscriptions(snsClient(), env.ONCALL_TOPIC_ARN),
      accounts: new DynamoAccountStatusStore(dynamo, env.TABLE_NAME),
      routing: new DynamoRoutingStore(dynamo, env.TABLE_NAME),
      exports: { source: { cases: store, audit }, sink: new S3ExportSink(s3Client(), env.EXPORT_BUCKET) },
      // Answering or resolving a case stops its pages' chains and resolves their PagerDuty incidents.
      pager: new SnsPager(snsClient(), env.ONCALL_TOPIC_ARN),
      desk: new AgentDesk({
        directory,
        store,
        outbox: new DynamoOutboxStore(dynamo, env.TABLE_NAME),
        queue: new SqsOutboundQueue(sqsClient(), env.OUTBOX_QUEUE_URL),
        pii: new ComprehendPiiDetector(comprehendClient()),
      }),
    }),
  );
