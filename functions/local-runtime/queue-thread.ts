// The embedded SQS/SNS (fauxqs) and the sends to the ingest queue, in a worker thread of their own:
// the main thread answers webhooks, and an AWS SDK call costs several times what verifying and journaling
// a webhook does. See startEmbeddedQueues.
import { parentPort, workerData } from 'node:worker_threads';
import { startFauxqs } from 'fauxqs';
import { sqsClient } from '../adapters/aws/clients';
import { SqsInteractionQueue } from '../adapters/aws/sqs-queues';
import type { IngestItem as Interaction } from '../core/interaction';
import {
  LOCAL_QUEUE_NAMES,
  type QueueThreadReply,
  type QueueThreadRequest,
  type QueueThreadSettings,
} from './embedded-queues';

/** The same redrive as the stack: a record that fails this many receives moves to the DLQ. */
const MAX_RECEIVE_COUNT = 5;

const settings = workerData.settings as QueueThreadSettings;
const port = parentPort!;
const reply = (message: QueueThreadReply) => port.postMessage(message);

const server = await startFauxqs({ port: settings.port ?? 0, logger: false });
const dlq = server.createQueue(LOCAL_QUEUE_NAMES.deadLetters, {
  attributes: { MessageRetentionPeriod: '1209600' },
});
const redrive = JSON.stringify({
  deadLetterTargetArn: dlq.queueArn,
  maxReceiveCount: String(MAX_RECEIVE_COUNT),
});
const visibility = String(settings.visibilityTimeoutSeconds ?? 30);
const ingest = server.createQueue(LOCAL_QUEUE_NAMES.ingest, {
  attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive },
});
const outbox = server.createQueue(LOCAL_QUEUE_NAMES.outbox, {
  attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive },
});
const pages = server.createQueue(LOCAL_QUEUE_NAMES.pages);
const { topicArn } = server.createTopic(LOCAL_QUEUE_NAMES.oncallTopic);
server.subscribe({
  topic: LOCAL_QUEUE_NAMES.oncallTopic,
  queue: LOCAL_QUEUE_NAMES.pages,
  attributes: { RawMessageDelivery: 'true' },
});
const client = sqsClient(server.address);
const ingestQueue = new SqsInteractionQueue(client, ingest.queueUrl);

port.on('message', (request: QueueThreadRequest) => {
  if (request.type === 'enqueue') {
    ingestQueue.enqueue(request.interactions as Interaction[]).then(
      () => reply({ type: 'enqueued', id: request.id }),
      (error: Error) => reply({ type: 'enqueued', id: request.id, error: `${error.name}: ${error.message}` }),
    );
  } else if (request.type === 'stop') {
    client.destroy();
    void server.stop().then(() => {
      reply({ type: 'stopped' });
      port.close();
    });
  }
});

reply({
  type: 'ready',
  queues: {
    endpoint: server.address,
    ingestQueueUrl: ingest.queueUrl,
    outboxQueueUrl: outbox.queueUrl,
    deadLetterQueueUrl: dlq.queueUrl,
    oncallTopicArn: topicArn,
    pagesQueueUrl: pages.queueUrl,
  },
});
