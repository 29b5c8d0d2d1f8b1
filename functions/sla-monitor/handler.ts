import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoClient, secretsClient, snsClient, sqsClient } from '../adapters/aws/clients';
import { DynamoAuditLog } from '../adapters/aws/dynamo-audit-log';
import { DynamoCaseStore } from '../adapters/aws/dynamo-case-store';
import { DynamoOutboxStore } from '../adapters/aws/dynamo-outbox-store';
import { DynamoDueCaseFinder, DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { ackLinksFromEnv } from '../adapters/aws/page-ack-key';
import { SnsPager } from '../adapters/aws/sns-pager';
import { SqsOutboundQueue } from '../adapters/aws/sqs-queues';
import { bundledBrandConfig, requireEnv } from '../commons/env';
import { logger } from '../commons/logger';
import { EmbeddedMetrics } from '../commons/metrics';
import { runAutoClose } from '../core/auto-close';
import { BrandDirectory } from '../core/brand-config';
import { sweepOutbox } from '../core/outbox';
import { runSlaMonitor } from '../core/sla-monitor';

const env = requireEnv(['TABLE_NAME', 'ONCALL_TOPIC_ARN', 'CASE_LINK_BASE', 'OUTBOX_QUEUE_URL']);
const dynamo = dynamoClient();
const directory = new BrandDirectory(bundledBrandConfig());
const ackLinks = ackLinksFromEnv(secretsClient);
const deps = {
  directory,
  // Pages climb each brand's escalation chain and carry their signed acknowledgement link.
  escalationOf: (brandId: string) => directory.escalationOf(brandId),
  ...(ackLinks ? { ackLinks } : {}),
  cases: new DynamoCaseStore(dynamo, env.TABLE_NAME),
  due: new DynamoDueCaseFinder(dynamo, env.TABLE_NAME),
  pages: new DynamoPageStore(dynamo, env.TABLE_NAME),
  pager: new SnsPager(snsClient(), env.ONCALL_TOPIC_ARN),
  linkFor: (caseId: string) => `${env.CASE_LINK_BASE}${encodeURIComponent(caseId)}`,
  metrics: new EmbeddedMetrics(),
};
const unsent = {
  outbox: new DynamoOutboxStore(dynamo, env.TABLE_NAME),
  queue: new SqsOutboundQueue(sqsClient(), env.OUTBOX_QUEUE_URL),
};
const autoClose = {
  directory: deps.directory,
  cases: deps.cases,
  audit: new DynamoAuditLog(dynamo, env.TABLE_NAME),
  ...unsent,
};

/**
 * Every minute (EventBridge): move due cases through warning, breach and repeat page, queue again
 * any reply nobody sent (its queue send failed after the case was saved), and auto-close the cases
 * that waited on the customer long enough.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async () => {
    const [result, requeued, autoClosed] = await Promise.all([
      runSlaMonitor(deps),
      sweepOutbox(unsent).catch((error) => {
        logger.error('outbox sweep failed; the next run tries again', { error: error as Error });
        return [] as string[];
      }),
      // Waiting cases whose time has come close (brands with autoClose only).
      runAutoClose(autoClose).catch((error) => {
        logger.error('auto-close failed; the next run tries again', { error: error as Error });
        return { closed: [] as string[] };
      }),
    ]);
    logger.info('sla monitor run', {
      checked: result.checked,
      pages: result.pages.map((p) => ({ pageId: p.pageId, kind: p.kind })),
      republished: result.republished,
      climbed: result.climbed.map((p) => ({ pageId: p.pageId, level: p.level })),
      stopped: result.stopped,
      requeued,
      autoClosed: autoClosed.closed,
    });
    return {
      checked: result.checked,
      pages: result.pages.length,
      requeued: requeued.length,
      autoClosed: autoClosed.closed.length,
    };
  });
