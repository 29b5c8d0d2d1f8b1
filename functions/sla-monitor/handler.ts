import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoClient, snsClient } from '../adapters/aws/clients';
import { DynamoCaseStore } from '../adapters/aws/dynamo-case-store';
import { DynamoDueCaseFinder, DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { SnsPager } from '../adapters/aws/sns-pager';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import { logger } from '../commons/logger';
import { EmbeddedMetrics } from '../commons/metrics';
import { BrandDirectory } from '../core/brand-config';
import { runSlaMonitor } from '../core/sla-monitor';

const env = requireEnv(['TABLE_NAME', 'ONCALL_TOPIC_ARN', 'CASE_LINK_BASE']);
const dynamo = dynamoClient();
const deps = {
  directory: new BrandDirectory(bundledBrandConfig()),
  cases: new DynamoCaseStore(dynamo, env.TABLE_NAME),
  due: new DynamoDueCaseFinder(dynamo, env.TABLE_NAME),
  pages: new DynamoPageStore(dynamo, env.TABLE_NAME),
  pager: new SnsPager(snsClient(), env.ONCALL_TOPIC_ARN),
  linkFor: (caseId: string) => `${env.CASE_LINK_BASE}${encodeURIComponent(caseId)}`,
  metrics: new EmbeddedMetrics(),
};

/** Every minute (EventBridge): move due cases through warning, breach and repeat page. */
export const handler = middy()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async () => {
    const result = await runSlaMonitor(deps);
    logger.info('sla monitor run', {
      checked: result.checked,
      pages: result.pages.map((p) => ({ pageId: p.pageId, kind: p.kind })),
      republished: result.republished,
    });
    return { checked: result.checked, pages: result.pages.length };
  });
