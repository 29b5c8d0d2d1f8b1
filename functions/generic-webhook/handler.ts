import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { secretsClient, sqsClient } from '../adapters/aws/clients';
import { secretJson } from '../adapters/aws/secrets';
import { SqsDeadLetters, SqsInteractionQueue } from '../adapters/aws/sqs-queues';
import { createGenericWebhook } from '../channels/generic/webhook';
import { bundledBrandConfig, isSet, requireEnv } from '../commons/env';
import type { HttpEvent, HttpResult } from '../commons/http';
import { logger } from '../commons/logger';
import { EmbeddedMetrics } from '../commons/metrics';
import { BrandDirectory } from '../core/brand-config';

/** GENERIC_SECRETS_ARN: a JSON secret mapping each source to its signing secret, {"yelp": "..."}. */
const env = requireEnv(['INGEST_QUEUE_URL', 'DEAD_LETTER_QUEUE_URL', 'GENERIC_SECRETS_ARN']);
const sqs = sqsClient();
const sourceSecrets = secretJson<Record<string, unknown>>(secretsClient(), env.GENERIC_SECRETS_ARN, []);

/** A source without a usable secret (absent, empty or still REPLACE_ME) is an unknown source. */
const sourceSecret = Object.assign(
  async (source: string): Promise<string | undefined> => {
    const secret = (await sourceSecrets())[source];
    return isSet(secret) ? secret : undefined;
  },
  { refresh: sourceSecrets.refresh },
);

export const handler = middy<HttpEvent, HttpResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createGenericWebhook({
      sourceSecret,
      directory: new BrandDirectory(bundledBrandConfig()),
      queue: new SqsInteractionQueue(sqs, env.INGEST_QUEUE_URL),
      deadLetters: new SqsDeadLetters(sqs, env.DEAD_LETTER_QUEUE_URL),
      metrics: new EmbeddedMetrics(),
    }),
  );
