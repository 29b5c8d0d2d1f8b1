import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { secretsClient, sqsClient } from '../adapters/aws/clients';
import { secretField } from '../adapters/aws/secrets';
import { SqsDeadLetters, SqsInteractionQueue } from '../adapters/aws/sqs-queues';
import { createXWebhook } from '../channels/x/webhook';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import type { HttpEvent, HttpResult } from '../commons/http';
import { logger } from '../commons/logger';
import { EmbeddedMetrics } from '../commons/metrics';
import { BrandDirectory } from '../core/brand-config';

const env = requireEnv(['INGEST_QUEUE_URL', 'DEAD_LETTER_QUEUE_URL', 'X_SECRET_ARN']);
const sqs = sqsClient();

export const handler = middy<HttpEvent, HttpResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createXWebhook({
      consumerSecret: secretField(secretsClient(), env.X_SECRET_ARN, 'consumerSecret'),
      directory: new BrandDirectory(bundledBrandConfig()),
      queue: new SqsInteractionQueue(sqs, env.INGEST_QUEUE_URL),
      deadLetters: new SqsDeadLetters(sqs, env.DEAD_LETTER_QUEUE_URL),
      metrics: new EmbeddedMetrics(),
    }),
  );
