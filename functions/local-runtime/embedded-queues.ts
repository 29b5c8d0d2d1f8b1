import { startFauxqs } from 'fauxqs';

export interface EmbeddedQueues {
  endpoint: string;
  ingestQueueUrl: string;
  deadLetterQueueUrl: string;
  stop(): Promise<void>;
}

/** The same redrive as the stack: a record that fails this many receives moves to the DLQ. */
export const MAX_RECEIVE_COUNT = 5;

/** fauxqs (embedded SQS/SNS) on loopback with the ingest queue and its DLQ. */
export async function startEmbeddedQueues(
  options: { port?: number; visibilityTimeoutSeconds?: number } = {},
): Promise<EmbeddedQueues> {
  const server = await startFauxqs({ port: options.port ?? 0, logger: false });
  const dlq = server.createQueue('socialcare-ingest-dlq', {
    attributes: { MessageRetentionPeriod: '1209600' },
  });
  const ingest = server.createQueue('socialcare-ingest', {
    attributes: {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.queueArn,
        maxReceiveCount: String(MAX_RECEIVE_COUNT),
      }),
    },
  });
  return {
    endpoint: server.address,
    ingestQueueUrl: ingest.queueUrl,
    deadLetterQueueUrl: dlq.queueUrl,
    stop: () => server.stop(),
  };
}
