import { startFauxqs } from 'fauxqs';

export interface EmbeddedQueues {
  endpoint: string;
  ingestQueueUrl: string;
  outboxQueueUrl: string;
  deadLetterQueueUrl: string;
  oncallTopicArn: string;
  /** Subscribed to the on-call topic: what the local runtime shows as pages. */
  pagesQueueUrl: string;
  stop(): Promise<void>;
}

/** The same redrive as the stack: a record that fails this many receives moves to the DLQ. */
export const MAX_RECEIVE_COUNT = 5;

/** fauxqs (embedded SQS/SNS) on loopback with the stack's queues and on-call topic. */
export async function startEmbeddedQueues(
  options: { port?: number; visibilityTimeoutSeconds?: number } = {},
): Promise<EmbeddedQueues> {
  const server = await startFauxqs({ port: options.port ?? 0, logger: false });
  const dlq = server.createQueue('socialcare-dead-letters', {
    attributes: { MessageRetentionPeriod: '1209600' },
  });
  const redrive = JSON.stringify({
    deadLetterTargetArn: dlq.queueArn,
    maxReceiveCount: String(MAX_RECEIVE_COUNT),
  });
  const visibility = String(options.visibilityTimeoutSeconds ?? 30);
  const ingest = server.createQueue('socialcare-ingest', {
    attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive },
  });
  const outbox = server.createQueue('socialcare-outbox', {
    attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive },
  });
  const pages = server.createQueue('socialcare-local-pages');
  const { topicArn } = server.createTopic('socialcare-oncall');
  server.subscribe({
    topic: 'socialcare-oncall',
    queue: 'socialcare-local-pages',
    attributes: { RawMessageDelivery: 'true' },
  });
  return {
    endpoint: server.address,
    ingestQueueUrl: ingest.queueUrl,
    outboxQueueUrl: outbox.queueUrl,
    deadLetterQueueUrl: dlq.queueUrl,
    oncallTopicArn: topicArn,
    pagesQueueUrl: pages.queueUrl,
    stop: () => server.stop(),
  };
}
