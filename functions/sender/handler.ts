import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoClient, secretsClient, sqsClient } from '../adapters/aws/clients';
import { DynamoAccountStatusStore } from '../adapters/aws/dynamo-account-status';
import { DynamoCaseStore } from '../adapters/aws/dynamo-case-store';
import { DynamoOutboxStore } from '../adapters/aws/dynamo-outbox-store';
import { metaPageTokensFromEnv } from '../adapters/aws/meta-page-tokens';
import { secretsByAccount } from '../adapters/aws/secrets';
import { delayRedelivery, redeliverOutboxMessage, SqsDeadLetters } from '../adapters/aws/sqs-queues';
import { resolveGraphApiVersion } from '../channels/meta/graph-api';
import { MetaSender } from '../channels/meta/meta-sender';
import { type XAccountCredentials, XSender } from '../channels/x/x-sender';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import { logger } from '../commons/logger';
import { EmbeddedMetrics } from '../commons/metrics';
import { BrandDirectory } from '../core/brand-config';
import { lastCustomerMessageAt } from '../core/cases';
import { createSenderConsumer } from './sender-consumer';

const env = requireEnv(['TABLE_NAME', 'OUTBOX_QUEUE_URL', 'DEAD_LETTER_QUEUE_URL', 'X_ACCOUNT_SECRET_ARNS']);
const secrets = secretsClient();
/** X_ACCOUNT_SECRET_ARNS: each of our X accounts has its own secret, read on first use. */
const credentialsFor = secretsByAccount<XAccountCredentials>(
  secrets,
  'X_ACCOUNT_SECRET_ARNS',
  ['apiKey', 'apiSecret', 'accessToken', 'accessTokenSecret'],
  'X credentials',
);
const pageTokens = metaPageTokensFromEnv(secrets);

const dynamo = dynamoClient();
const sqs = sqsClient();

const cases = new DynamoCaseStore(dynamo, env.TABLE_NAME);
const accounts = new DynamoAccountStatusStore(dynamo, env.TABLE_NAME);
const brandConfig = bundledBrandConfig();
const metaSender = new MetaSender({
  apiVersion: resolveGraphApiVersion({ config: brandConfig, env: process.env.META_GRAPH_API_VERSION }),
  tokenFor: (accountId) => pageTokens.tokenFor(accountId),
  lastCustomerMessageAt: (message) => lastCustomerMessageAt(cases, message.caseId),
  ...(pageTokens.appSecret ? { appSecret: pageTokens.appSecret } : {}),
});

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createSenderConsumer({
      directory: new BrandDirectory(brandConfig),
      outbox: new DynamoOutboxStore(dynamo, env.TABLE_NAME),
      cases,
      senders: {
        x: new XSender({ credentialsFor, authorizationOf: (id) => accounts.get('x', id) }),
        facebook: metaSender,
        instagram: metaSender,
      },
      deadLetters: new SqsDeadLetters(sqs, env.DEAD_LETTER_QUEUE_URL),
      metrics: new EmbeddedMetrics(),
      redeliver: (message) => redeliverOutboxMessage(sqs, env.OUTBOX_QUEUE_URL, message),
      scheduleRetry: (record, at) => delayRedelivery(sqs, env.OUTBOX_QUEUE_URL, record.receiptHandle, at),
    }),
  );
