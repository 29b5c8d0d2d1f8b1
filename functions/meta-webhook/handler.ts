import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { secretsClient, sqsClient } from '../adapters/aws/clients';
import { secretField } from '../adapters/aws/secrets';
import { SqsDeadLetters, SqsInteractionQueue } from '../adapters/aws/sqs-queues';
import { createMetaWebhook } from '../channels/meta/webhook';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import type { HttpEvent, HttpResult } from '../commons/http';
import { logger } from '../commons/logger';
import { EmbeddedMetrics } from '../commons/metrics';
import { BrandDirectory } from '../core/brand-config';

/** META_SECRET_ARN: a JSON secret {"appSecret": "...", "verifyToken": "..."}. */
const env = requireEnv(['INGEST_QUEUE_URL', 'DEAD_LETTER_QUEUE_URL', 'META_SECRET_ARN']);
const sqs = sqsClient();
const secrets = secretsClient();

export const handler = middy<HttpEvent, HttpResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createMetaWebhook({
      appSecret: secretField(secrets, env.META_SECRET_ARN, 'appSecret'),
      verifyToken: secretField(secrets, env.META_SECRET_ARN, 'verifyToken'),
      directory: new BrandDirectory(bundledBrandConfig()),
      queue: new SqsInteractionQueue(sqs, env.INGEST_QUEUE_URL),
      deadLetters: new SqsDeadLetters(sqs, env.DEAD_LETTER_QUEUE_URL),
      metrics: new EmbeddedMetrics(),
    }),
  );
