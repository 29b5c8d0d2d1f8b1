import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
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
    const consumerTimeout = consumer.timeout ?? Duration.seconds(3);
    const problems: string[] = [];
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1)
      problems.push(`maxReceiveCount must be a whole number of at least 1, not ${maxReceiveCount}`);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
      problems.push(`batchSize must be a whole number from 1 to 10, not ${batchSize}`);
    if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);
    const stackName = Stack.of(this).stackName;

    this.deadLetterQueue = new sqs.Queue(this, 'dead-letters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout (AWS guidance for Lambda consumers). A rate-limited entry is
      // deferred beyond this by ChangeMessageVisibility, up to X's reset.
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    // Consume includes sqs:ChangeMessageVisibility, which defers an entry until the rate-limit reset.
    this.queue.grantConsumeMessages(consumer);
    consumer.addEnvironment('OUTBOX_QUEUE_URL', this.queue.queueUrl);
    this.deadLetterQueue.grantSendMessages(consumer);
    consumer.addEnvironment('DEAD_LETTER_QUEUE_URL', this.deadLetterQueue.queueUrl);
    consumer.addEventSource(new SqsEventSource(this.queue, { batchSize, reportBatchItemFailures: true }));

    this.alarms = [
      new cloudwatch.Alarm(this, 'dead-letters-alarm', {
        alarmName: `${stackName}-outbox-dead-letters`,
        alarmDescription:
          'socialcare: replies in the outbox dead-letter queue were not sent; inspect them and redrive or answer by hand',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'sender-errors-alarm', {
        alarmName: `${stackName}-sender-errors`,
        alarmDescription: 'socialcare: the sender function fails whole invocations (not single entries)',
        metric: consumer.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
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
