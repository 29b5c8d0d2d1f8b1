import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { secretsClient } from '../adapters/aws/clients';
import { secretJson } from '../adapters/aws/secrets';
import { requireEnv } from '../commons/env';
import { logger } from '../commons/logger';
import { createPageForwarder, pageTargetsFrom } from './forward';

const env = requireEnv(['PAGE_TARGETS_SECRET_ARN']);
/** Both fields are optional (either target may be off), so none is required here. */
const readTargetsSecret = secretJson<Record<string, unknown>>(
  secretsClient(),
  env.PAGE_TARGETS_SECRET_ARN,
  [],
);

/** Subscribed to the on-call topic: each page to Slack and/or PagerDuty. */
export const handler = middy<SNSEvent, void>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createPageForwarder({
      targets: async () => pageTargetsFrom(await readTargetsSecret()),
      fetch: (input, init) => fetch(input, init),
      // Unset in AWS: PagerDuty's own Events API.
      ...(process.env.PAGERDUTY_EVENTS_URL ? { pagerDutyEventsUrl: process.env.PAGERDUTY_EVENTS_URL } : {}),
    }),
  );
