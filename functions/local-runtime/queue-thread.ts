// The embedded SQS/SNS (fauxqs) and the sends to the ingest queue, in a worker thread of their own:
// the main thread answers webhooks, and an AWS SDK call costs several times what verifying and journaling
// a webhook does. See startEmbeddedQueues.
import { parentPort, workerData } from 'node:worker_threads';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { snsClient, sqsClient } from '../adapters/aws/clients';
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

// fauxqs's own start (startFauxqs) listens on every interface; its app is built here and listens on
// loopback only: nothing on the network can read the queues or push into them past the signatures.
const app = buildApp({ logger: false });
const endpoint = await app.listen({ port: settings.port ?? 0, host: '127.0.0.1' });
const server = { address: endpoint, stop: () => app.close() };
const client = sqsClient(endpoint);
const createQueue = async (name: string, attributes?: Record<string, string>) => {
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: name, ...(attributes ? { Attributes: attributes } : {}) }),
  );
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { queueUrl: QueueUrl as string, queueArn: Attributes?.QueueArn as string };
};
const dlq = await createQueue(LOCAL_QUEUE_NAMES.deadLetters, { MessageRetentionPeriod: '1209600' });
const redrive = JSON.stringify({
  deadLetterTargetArn: dlq.queueArn,
  maxReceiveCount: String(MAX_RECEIVE_COUNT),
});
const visibility = String(settings.visibilityTimeoutSeconds ?? 30);
const ingest = await createQueue(LOCAL_QUEUE_NAMES.ingest, {
  VisibilityTimeout: visibility,
  RedrivePolicy: redrive,
});
const outbox = await createQueue(LOCAL_QUEUE_NAMES.outbox, {
  VisibilityTimeout: visibility,
  RedrivePolicy: redrive,
});
const pages = await createQueue(LOCAL_QUEUE_NAMES.pages);
const sns = snsClient(endpoint);
const { TopicArn: topicArn } = await sns.send(
  new CreateTopicCommand({ Name: LOCAL_QUEUE_NAMES.oncallTopic }),
);
await sns.send(
  new SubscribeCommand({
    TopicArn: topicArn,
    Protocol: 'sqs',
    Endpoint: pages.queueArn,
    Attributes: { RawMessageDelivery: 'true' },
  }),
);
sns.destroy();
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
    oncallTopicArn: topicArn as string,
    pagesQueueUrl: pages.queueUrl,
  },
});
