import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue a Lambda consumes, with a dead-letter queue of its own (`queue` and `dead-letters` in
 * `scope`): SQS-managed encryption, TLS only, four days in the queue and fourteen in the DLQ, and a
 * visibility timeout of six times the consumer's timeout (AWS guidance for Lambda consumers: a batch
 * whose invocation was throttled is retried before its messages become visible, and counted, again).
 */
export function consumedQueue(
  scope: Construct,
  consumer: lambda.Function,
  maxReceiveCount: number,
): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
  const deadLetterQueue = new sqs.Queue(scope, 'dead-letters', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new sqs.Queue(scope, 'queue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds((consumer.timeout ?? Duration.seconds(3)).toSeconds() * 6),
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}
