// The acknowledgement path of `socialcare start` on its own: the same local HTTP server, X webhook
// handler, ingest journal (fsync per group of requests) and embedded SQS (on its thread), with no consumers and no
// DynamoDB. It shows what the answer costs without the triage backlog competing for the same two cores.
// Prints "listening <port>" when ready.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqsClient } from '../functions/adapters/aws/clients';
import { SqsDeadLetters } from '../functions/adapters/aws/sqs-queues';
import { createXWebhook } from '../functions/channels/x/webhook';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../functions/commons/brand-config-file';
import { BrandDirectory } from '../functions/core/brand-config';
import { MemoryMetrics } from '../functions/core/metrics';
import { startEmbeddedQueues } from '../functions/local-runtime/embedded-queues';
import { createLocalHttpServer } from '../functions/local-runtime/http-server';
import { openIngestJournal } from '../functions/local-runtime/ingest-journal';

const secret = process.env.X_CONSUMER_SECRET ?? 'bench-consumer-secret';
const queues = await startEmbeddedQueues();
const sqs = sqsClient(queues.endpoint);
const journal = await openIngestJournal({
  dataDir: process.env.SOCIALCARE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'socialcare-ack-path-')),
  queue: queues.ingest,
  // Nothing is ever recorded here: no consumer runs.
  recorded: { findRecorded: async () => new Set<string>() },
  deadLetters: new SqsDeadLetters(sqs, queues.deadLetterQueueUrl),
});
const server = createLocalHttpServer({
  ready: () => true,
  routes: [
    {
      prefix: '/webhooks/x',
      handler: createXWebhook({
        consumerSecret: async () => secret,
        directory: new BrandDirectory(readBrandConfigFile(DEMO_CONFIG_PATH)),
        queue: journal,
        deadLetters: new SqsDeadLetters(sqs, queues.deadLetterQueueUrl),
        metrics: new MemoryMetrics(),
      }),
    },
  ],
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void journal.stop().then(() => queues.stop().then(() => process.exit(0)));
});
