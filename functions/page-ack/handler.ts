import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoClient, secretsClient } from '../adapters/aws/clients';
import { DynamoAuditLog } from '../adapters/aws/dynamo-audit-log';
import { DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { ackLinkKeyFromEnv } from '../adapters/aws/page-ack-key';
import { secretJson } from '../adapters/aws/secrets';
import { createPageAckApi } from '../channels/oncall/page-ack-api';
import { isSet, requireEnv } from '../commons/env';
import type { HttpEvent, HttpResult } from '../commons/http';
import { logger } from '../commons/logger';

const env = requireEnv(['TABLE_NAME', 'PAGE_ACK_SECRETS_ARN', 'PAGE_ACK_KEY_SECRET_ARN']);
const dynamo = dynamoClient();
/** Both fields are optional (either way of acknowledging may be off). */
const secrets = secretJson<Record<string, unknown>>(secretsClient(), env.PAGE_ACK_SECRETS_ARN, []);
const field = (name: string) => async () => {
  const value = (await secrets())[name];
  return isSet(value) ? value.trim() : undefined;
};

/** GET|POST /pages/ack, POST /webhooks/slack/actions, POST /webhooks/pagerduty. */
export const handler = middy<HttpEvent, HttpResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createPageAckApi({
      pages: new DynamoPageStore(dynamo, env.TABLE_NAME),
      audit: new DynamoAuditLog(dynamo, env.TABLE_NAME),
      ackKey: ackLinkKeyFromEnv(secretsClient(), env.PAGE_ACK_KEY_SECRET_ARN),
      slackSigningSecret: field('slackSigningSecret'),
      pagerDutyWebhookSecret: field('pagerDutyWebhookSecret'),
    }),
  );
