import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { comprehendClient, dynamoClient, secretsClient, snsClient, sqsClient } from '../adapters/aws/clients';
import { ComprehendPiiDetector } from '../adapters/aws/comprehend-pii';
import { comprehendSentiment } from '../adapters/aws/comprehend-sentiment';
import { DynamoAccountStatusStore } from '../adapters/aws/dynamo-account-status';
import { DynamoCaseStore } from '../adapters/aws/dynamo-case-store';
import { DynamoOutboxStore } from '../adapters/aws/dynamo-outbox-store';
import { DynamoRateLimiter } from '../adapters/aws/dynamo-rate-limiter';
import { DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { DynamoVolumeCounter } from '../adapters/aws/dynamo-volume-counter';
import { metaPageTokensFromEnv } from '../adapters/aws/meta-page-tokens';
import { ackLinksFromEnv } from '../adapters/aws/page-ack-key';
import { SnsPager } from '../adapters/aws/sns-pager';
import { SqsDeadLetters, SqsOutboundQueue } from '../adapters/aws/sqs-queues';
import { fareSourceFor } from '../adapters/http/http-fare-source';
import { createSentimentClassifier, parseSentimentMode } from '../adapters/sentiment-mode';
import { resolveGraphApiVersion } from '../channels/meta/graph-api';
import { GraphInstagramMentionReader } from '../channels/meta/instagram-mentions';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import { logger } from '../commons/logger';
import { EmbeddedMetrics } from '../commons/metrics';
import { BrandDirectory } from '../core/brand-config';
import { createTriageConsumer } from './triage-consumer';

const env = requireEnv([
  'TABLE_NAME',
  'DEAD_LETTER_QUEUE_URL',
  'OUTBOX_QUEUE_URL',
  'ONCALL_TOPIC_ARN',
  'CASE_LINK_BASE',
]);
const sqs = sqsClient();
const dynamo = dynamoClient();
// comprehend (default in AWS), hybrid (local when confident, Comprehend for the rest) or local.
const sentiment = createSentimentClassifier(
  parseSentimentMode(process.env.SENTIMENT, 'comprehend'),
  comprehendSentiment,
);

// Instagram mentions arrive as ids: their text is read with the linked page's token.
const pageTokens = metaPageTokensFromEnv(secretsClient());
const brandConfig = bundledBrandConfig();
const directory = new BrandDirectory(brandConfig);
const ackLinks = ackLinksFromEnv(secretsClient);
const mentions = new GraphInstagramMentionReader({
  apiVersion: resolveGraphApiVersion({ config: brandConfig, env: process.env.META_GRAPH_API_VERSION }),
  tokenFor: (accountId) => pageTokens.tokenFor(accountId),
  ...(pageTokens.appSecret ? { appSecret: pageTokens.appSecret } : {}),
});

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createTriageConsumer({
      directory,
      store: new DynamoCaseStore(dynamo, env.TABLE_NAME),
      accounts: new DynamoAccountStatusStore(dynamo, env.TABLE_NAME),
      sentiment,
      deadLetters: new SqsDeadLetters(sqs, env.DEAD_LETTER_QUEUE_URL),
      replies: {
        outbox: new DynamoOutboxStore(dynamo, env.TABLE_NAME),
        queue: new SqsOutboundQueue(sqs, env.OUTBOX_QUEUE_URL),
        limiter: new DynamoRateLimiter(dynamo, env.TABLE_NAME),
        fares: fareSourceFor,
      },
      metrics: new EmbeddedMetrics(),
      volumes: new DynamoVolumeCounter(dynamo, env.TABLE_NAME),
      pii: new ComprehendPiiDetector(comprehendClient()),
      mentions,
      paging: {
        pages: new DynamoPageStore(dynamo, env.TABLE_NAME),
        pager: new SnsPager(snsClient(), env.ONCALL_TOPIC_ARN),
        linkFor: (caseId) => `${env.CASE_LINK_BASE}${encodeURIComponent(caseId)}`,
        escalationOf: (brandId) => directory.escalationOf(brandId),
        ...(ackLinks ? { ackLinks } : {}),
      },
    }),
  );
