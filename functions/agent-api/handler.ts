import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoClient } from '../adapters/aws/clients';
import { DynamoCaseStore } from '../adapters/aws/dynamo-case-store';
import { DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import type { HttpEvent, HttpResult } from '../commons/http';
import { logger } from '../commons/logger';
import { BrandDirectory } from '../core/brand-config';
import { createAgentApi } from './agent-api';

const env = requireEnv(['TABLE_NAME']);
const dynamo = dynamoClient();

export const handler = middy<HttpEvent, HttpResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(
    createAgentApi({
      store: new DynamoCaseStore(dynamo, env.TABLE_NAME),
      pages: new DynamoPageStore(dynamo, env.TABLE_NAME),
      directory: new BrandDirectory(bundledBrandConfig()),
    }),
  );
