import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dynamoClient, secretsClient, snsClient, sqsClient } from '../adapters/aws/clients';
import { DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { DynamoXPollState } from '../adapters/aws/dynamo-x-poll-state';
import { secretsByAccount } from '../adapters/aws/secrets';
import { SnsPager } from '../adapters/aws/sns-pager';
import { SqsInteractionQueue } from '../adapters/aws/sqs-queues';
import { XHttpReader } from '../channels/x/x-reader';
import type { XAccountCredentials } from '../channels/x/x-sender';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import { logger } from '../commons/logger';
import { BrandDirectory } from '../core/brand-config';
import { runXPoll } from '../core/x-intake/poll';

const env = requireEnv([
  'TABLE_NAME',
  'INGEST_QUEUE_URL',
  'ONCALL_TOPIC_ARN',
  'X_ACCOUNT_SECRET_ARNS',
  'X_API_BASE_URL',
]);
const directory = new BrandDirectory(bundledBrandConfig());
const dynamo = dynamoClient();
const deps = {
  directory,
  reader: new XHttpReader({
    apiBaseUrl: env.X_API_BASE_URL,
    credentialsFor: secretsByAccount<XAccountCredentials>(
      secretsClient(),
      'X_ACCOUNT_SECRET_ARNS',
      ['apiKey', 'apiSecret', 'accessToken', 'accessTokenSecret'],
      'X credentials',
    ),
    directory,
  }),
  state: new DynamoXPollState(dynamo, env.TABLE_NAME),
  queue: new SqsInteractionQueue(sqsClient(), env.INGEST_QUEUE_URL),
  paging: {
    pages: new DynamoPageStore(dynamo, env.TABLE_NAME),
    pager: new SnsPager(snsClient(), env.ONCALL_TOPIC_ARN),
  },
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) =>
    logger[level](message, fields ?? {}),
};

/** Every minute (EventBridge): read the mentions and DMs of polling X accounts and the brands' keyword searches. */
export const handler = middy()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (_event: unknown, context: Context) => {
    // Stop reading five seconds before the timeout: what was not read waits for the next minute.
    const signal = AbortSignal.timeout(Math.max(1000, context.getRemainingTimeInMillis() - 5000));
    const results = await runXPoll(deps, signal);
    logger.info('x poll run', { streams: results });
    return { streams: results.length, enqueued: results.reduce((n, r) => n + r.enqueued, 0) };
  });
