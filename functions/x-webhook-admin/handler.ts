import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoClient, secretsClient, snsClient } from '../adapters/aws/clients';
import { DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { DynamoRefreshLease, DynamoWebhookHealthStore } from '../adapters/aws/dynamo-x-admin';
import { secretField } from '../adapters/aws/secrets';
import { SecretsManagerTokenVault } from '../adapters/aws/secrets-token-vault';
import { SnsPager } from '../adapters/aws/sns-pager';
import { XAdminClient } from '../channels/x/x-admin-client';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import { logger } from '../commons/logger';
import { type AdminAction, runXAdminAction, xAdminDeps } from './x-admin-action';

const env = requireEnv([
  'TABLE_NAME',
  'ONCALL_TOPIC_ARN',
  'X_APP_SECRET_ARN',
  'X_OAUTH_TOKEN_SECRET_ARNS',
  'X_WEBHOOK_URL',
  'X_API_BASE_URL',
]);
const secrets = secretsClient();
const dynamo = dynamoClient();
const api = new XAdminClient({
  apiBaseUrl: env.X_API_BASE_URL,
  bearerToken: secretField(secrets, env.X_APP_SECRET_ARN, 'bearerToken'),
  clientId: secretField(secrets, env.X_APP_SECRET_ARN, 'clientId'),
  // A public client has no secret: only a filled-in value is sent.
  clientSecret: () => secretField(secrets, env.X_APP_SECRET_ARN, 'clientSecret')().catch(() => undefined),
});
const deps = xAdminDeps({
  config: bundledBrandConfig(),
  api,
  webhookUrl: env.X_WEBHOOK_URL,
  vault: new SecretsManagerTokenVault(secrets, env.X_OAUTH_TOKEN_SECRET_ARNS),
  lease: new DynamoRefreshLease(dynamo, env.TABLE_NAME),
  healthStore: new DynamoWebhookHealthStore(dynamo, env.TABLE_NAME),
  paging: {
    pages: new DynamoPageStore(dynamo, env.TABLE_NAME),
    pager: new SnsPager(snsClient(), env.ONCALL_TOPIC_ARN),
  },
});

/**
 * The X webhook's keeper. On its EventBridge schedule: the health check (re-validate, replay, page).
 * Invoked by an operator (`aws lambda invoke --payload '{"action":"setup"}'`): register the webhook and
 * the XAA subscriptions, list them, or remove them. It holds exactly the grants and settings these
 * need, so no operator laptop needs the X secrets.
 */
export const handler = middy<{ action?: AdminAction; webhook?: boolean } | undefined>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event) => {
    const result = await runXAdminAction(deps, event?.action ?? 'health', {
      webhook: event?.webhook === true,
    });
    logger.info('x webhook admin', { action: event?.action ?? 'health', result });
    return result;
  });
