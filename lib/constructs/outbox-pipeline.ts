import { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { anyMessageAlarm, functionErrorsAlarm } from './alarms';
import { consumedQueue } from './consumed-queue';
import type { OperationsTopic } from './operations-topic';

export interface OutboxPipelineProps {
  /** The sender: reads batches, reports partial batch failures, defers rate-limited entries. */
  readonly consumer: lambda.Function;
  readonly operations: OperationsTopic;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /** @default 5 */
  readonly batchSize?: number;
}

/**
 * Outbox queue → sender, with a dead-letter queue of its own. Its own rather than the ingest DLQ's:
 * what lands here is a reply a customer did not get (an outbox entry that kept failing, or a message
 * the sender could not read), which the care team must act on, whereas ingest dead letters are inbound
 * events to inspect. Apart, each has its own alarm and its own redrive: an outbox dead letter
 * (`{"outboxId"}`) goes back to the outbox queue as it is, and resending is safe because the sender
 * sends an outbox entry at most once.
 */
export class OutboxPipeline extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: OutboxPipelineProps) {
    super(scope, id);
    const { consumer } = props;
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const batchSize = props.batchSize ?? 5;
    const problems: string[] = [];
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1)
      problems.push(`maxReceiveCount must be a whole number of at least 1, not ${maxReceiveCount}`);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
      problems.push(`batchSize must be a whole number from 1 to 10, not ${batchSize}`);
    if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);
    const stackName = Stack.of(this).stackName;

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = consumedQueue(
      this,
      consumer,
      maxReceiveCount,
    ));

    // A deferred entry (rate limit, outage) is sent again to this queue as a new, delayed message, so a
    // deferral spends no receive; consume includes sqs:ChangeMessageVisibility, the fallback.
    this.queue.grantConsumeMessages(consumer);
    this.queue.grantSendMessages(consumer);
    consumer.addEnvironment('OUTBOX_QUEUE_URL', this.queue.queueUrl);
    this.deadLetterQueue.grantSendMessages(consumer);
    consumer.addEnvironment('DEAD_LETTER_QUEUE_URL', this.deadLetterQueue.queueUrl);
    consumer.addEventSource(new SqsEventSource(this.queue, { batchSize, reportBatchItemFailures: true }));

    this.alarms = [
      anyMessageAlarm(this, 'dead-letters-alarm', this.deadLetterQueue, {
        alarmName: `${stackName}-outbox-dead-letters`,
        description:
          'socialcare: replies in the outbox dead-letter queue were not sent; inspect them and redrive or answer by hand',
      }),
      functionErrorsAlarm(this, 'sender-errors-alarm', consumer, {
        alarmName: `${stackName}-sender-errors`,
        description: 'socialcare: the sender function fails whole invocations (not single entries)',
      }),
    ];
    for (const alarm of this.alarms) props.operations.notify(alarm);
  }

  /** Lets a function enqueue outbox entries and sets OUTBOX_QUEUE_URL, together. */
  bindProducer(fn: lambda.Function): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('OUTBOX_QUEUE_URL', this.queue.queueUrl);
  }
}
