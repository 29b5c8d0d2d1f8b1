import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { sqsClient } from '../adapters/aws/clients';
import { DynamoCaseStore } from '../adapters/aws/dynamo-case-store';
import { SqsDeadLetters, SqsInteractionQueue } from '../adapters/aws/sqs-queues';
import { createAgentApi } from '../agent-api/agent-api';
import { createXWebhook } from '../channels/x/webhook';
import { type BrandConfig, BrandDirectory } from '../core/brand-config';
import { LocalSentimentClassifier } from '../core/local-sentiment';
import type { SentimentClassifier } from '../core/sentiment';
import { createTriageConsumer } from '../triage/triage-consumer';
import { ensureTable, startEmbeddedDynamo } from './embedded-dynamodb';
import { startEmbeddedQueues } from './embedded-queues';
import { createLocalHttpServer } from './http-server';
import { startQueuePoller } from './queue-poller';

export const LOCAL_TABLE_NAME = 'socialcare';

export interface LocalSystemOptions {
  brandConfig: BrandConfig;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where DynamoDB Local keeps its data; in memory when absent. */
  dataDir?: string;
  apiToken: string;
  xConsumerSecret: string;
  sentiment?: SentimentClassifier;
  /** Seconds before a failed record is received again (30 as in AWS; tests use less). */
  visibilityTimeoutSeconds?: number;
}

export interface LocalSystem {
  url: string;
  dynamo: { endpoint: string; client: DynamoDBClient; tableName: string };
  queues: { endpoint: string; client: SQSClient; ingestQueueUrl: string; deadLetterQueueUrl: string };
  store: DynamoCaseStore;
  /** Waits until the ingest queue has been found empty (everything accepted so far is processed). */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole system on one machine: embedded DynamoDB and SQS, the same handlers the Lambdas run
 * behind a local HTTP server, and the triage consumer polling the queue.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const directory = new BrandDirectory(options.brandConfig);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch(() => undefined);
    }
    stops.length = 0;
  };
  try {
    const dynamo = await startEmbeddedDynamo(options.dataDir ? { dataDir: options.dataDir } : {});
    stops.push(dynamo.stop);
    await ensureTable(dynamo.client, LOCAL_TABLE_NAME);
    const queues = await startEmbeddedQueues(
      options.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
        : {},
    );
    stops.push(queues.stop);
    const sqs = sqsClient(queues.endpoint);
    stops.push(async () => sqs.destroy());

    const store = new DynamoCaseStore(dynamo.client, LOCAL_TABLE_NAME);
    const deadLetters = new SqsDeadLetters(sqs, queues.deadLetterQueueUrl);
    const consumer = createTriageConsumer({
      directory,
      store,
      sentiment: options.sentiment ?? new LocalSentimentClassifier(),
      deadLetters,
    });
    const poller = startQueuePoller({ client: sqs, queueUrl: queues.ingestQueueUrl, consumer });
    stops.push(poller.stop);

    const secret = async () => options.xConsumerSecret;
    let ready = false;
    const server: Server = createLocalHttpServer({
      ready: () => ready,
      routes: [
        {
          prefix: '/webhooks/x',
          handler: createXWebhook({
            consumerSecret: secret,
            directory,
            queue: new SqsInteractionQueue(sqs, queues.ingestQueueUrl),
            deadLetters,
          }),
        },
        { prefix: '/api', handler: createAgentApi({ store, directory }), bearerToken: options.apiToken },
      ],
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    ready = true;
    const { port } = server.address() as AddressInfo;

    return {
      url: `http://127.0.0.1:${port}`,
      dynamo: { endpoint: dynamo.endpoint, client: dynamo.client, tableName: LOCAL_TABLE_NAME },
      queues: {
        endpoint: queues.endpoint,
        client: sqs,
        ingestQueueUrl: queues.ingestQueueUrl,
        deadLetterQueueUrl: queues.deadLetterQueueUrl,
      },
      store,
      drained: () => poller.idle(),
      async stop() {
        ready = false;
        // Stop taking requests, then let the consumer finish what was accepted: the embedded queue is
        // in memory, the cases are on disk.
        const httpStop = stops.pop();
        await httpStop?.();
        await Promise.race([poller.idle(), new Promise((r) => setTimeout(r, 10_000))]);
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
