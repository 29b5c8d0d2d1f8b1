import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { anyMessageAlarm, functionErrorsAlarm } from './alarms';
import { consumedQueue } from './consumed-queue';
import type { OperationsTopic } from './operations-topic';

export interface IngestPipelineProps {
  /** The triage function: reads batches and reports partial batch failures. */
  readonly consumer: lambda.Function;
  readonly operations: OperationsTopic;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /**
   * Triage invocations at once (the event source mapping's maximum concurrency, 2 to 1000): a burst of
   * mentions waits in the queue instead of storming Comprehend and the table.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /** Alarm when the oldest waiting interaction is older than this. @default 5 minutes */
  readonly maxMessageAge?: Duration;
}

/**
 * Webhook → SQS ingest queue → triage, with a dead-letter queue for what keeps failing and for what
 * the webhook and triage park themselves (unroutable or unparseable events). Alarms go to the
 * operations topic: anything in the DLQ, a backlog that ages, a crashing consumer.
 */
export class IngestPipeline extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: IngestPipelineProps) {
    super(scope, id);
    const { consumer } = props;
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const maxMessageAge = props.maxMessageAge ?? Duration.minutes(5);
    const maxConcurrency = props.maxConcurrency ?? 10;
    const problems: string[] = [];
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
      problems.push(`maxReceiveCount must be a whole number of at least 1, not ${maxReceiveCount}`);
    }
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
      problems.push(`maxConcurrency must be a whole number from 2 to 1000, not ${maxConcurrency}`);
    }
    if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = consumedQueue(
      this,
      consumer,
      maxReceiveCount,
    ));

    this.queue.grantConsumeMessages(consumer);
    this.bindDeadLetters(consumer);
    consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );

    this.alarms = [
      anyMessageAlarm(this, 'dead-letters-alarm', this.deadLetterQueue, {
        description: 'socialcare: events in the dead-letter queue; inspect them and redrive or discard',
      }),
      new cloudwatch.Alarm(this, 'queue-age-alarm', {
        alarmDescription: `socialcare: interactions wait more than ${maxMessageAge.toHumanString()} for triage; deadlines are at risk`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: maxMessageAge.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      functionErrorsAlarm(this, 'consumer-errors-alarm', consumer, {
        description: 'socialcare: the triage function fails whole invocations (not single records)',
      }),
    ];
    for (const alarm of this.alarms) props.operations.notify(alarm);
  }

  /** Lets a function enqueue interactions and park events, and sets both queue URLs, together. */
  bindProducer(fn: lambda.Function): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('INGEST_QUEUE_URL', this.queue.queueUrl);
    this.bindDeadLetters(fn);
  }

  /** Lets a function park events in the DLQ and sets DEAD_LETTER_QUEUE_URL, together. */
  bindDeadLetters(fn: lambda.Function): void {
    this.deadLetterQueue.grantSendMessages(fn);
    fn.addEnvironment('DEAD_LETTER_QUEUE_URL', this.deadLetterQueue.queueUrl);
  }
}
