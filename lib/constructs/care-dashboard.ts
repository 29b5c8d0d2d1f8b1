import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MetricName } from '../../functions/core/metrics';
import type { OperationsTopic } from './operations-topic';

/** Where functions/commons/metrics.ts writes (CloudWatch embedded metrics through Powertools). */
export const CARE_METRICS_NAMESPACE = 'socialcare';
/**
 * The dimension set of every care metric. Powertools adds `service` (the serviceName) to each metric
 * beside the `brand` the code adds, and CloudWatch matches a metric by its whole dimension set, so a
 * widget on `brand` alone would stay empty. The CDK test checks this against what the code emits.
 */
export function careMetricDimensions(brandId: string): Record<string, string> {
  return { service: 'socialcare', brand: brandId };
}

export function careMetric(
  name: MetricName,
  brandId: string,
  options: { statistic?: string; label?: string; period?: Duration } = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: CARE_METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: careMetricDimensions(brandId),
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    period: options.period ?? Duration.minutes(5),
    ...(options.label ? { label: options.label } : {}),
  });
}

export interface LabelledQueue {
  readonly label: string;
  readonly queue: sqs.IQueue;
}

export interface LabelledFunction {
  readonly label: string;
  readonly fn: lambda.IFunction;
}

export interface CareDashboardProps {
  /** Every brand id in the brand config: a row of widgets and a breach alarm each. */
  readonly brandIds: readonly string[];
  /** Work queues: depth and age of the oldest message. */
  readonly queues: readonly LabelledQueue[];
  /** Dead-letter and failure queues: depth. */
  readonly deadLetterQueues: readonly LabelledQueue[];
  readonly functions: readonly LabelledFunction[];
  /** The system's alarms, shown in the status widget beside the breach alarms. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly operations: OperationsTopic;
}

/**
 * The care view in CloudWatch: per brand, volume (interactions, cases, messages, duplicates, replies),
 * first response time and deadlines (warnings, breaches, pages); then the pipeline (queue depth and
 * age, dead letters, function errors and durations) and every alarm's state. Also the care-team alarm
 * per brand: any deadline breach within five minutes.
 */
export class CareDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** Keyed by brand id. */
  readonly breachAlarms: ReadonlyMap<string, cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: CareDashboardProps) {
    super(scope, id);
    if (!props.brandIds.length) throw new Error(`${this.node.path}: brandIds is empty`);
    const stackName = Stack.of(this).stackName;

    const breachAlarms = new Map<string, cloudwatch.Alarm>();
    for (const brandId of props.brandIds) {
      const alarm = new cloudwatch.Alarm(this, `${brandId}-breaches-alarm`, {
        alarmName: `${stackName}-${brandId}-deadline-breaches`,
        alarmDescription: `socialcare: brand ${brandId} missed a response deadline in the last 5 minutes (care team)`,
        metric: careMetric('DeadlineBreaches', brandId),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      props.operations.notify(alarm);
      breachAlarms.set(brandId, alarm);
    }
    this.breachAlarms = breachAlarms;

    // A dashboard name is unique per account across regions.
    this.dashboard = new cloudwatch.Dashboard(this, 'dashboard', {
      dashboardName: `${stackName}-${Aws.REGION}`,
      defaultInterval: Duration.hours(24),
    });

    for (const brandId of props.brandIds) {
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({ markdown: `## ${brandId}`, width: 24, height: 1 }),
        new cloudwatch.GraphWidget({
          title: `${brandId}: volume`,
          width: 8,
          left: [
            careMetric('InteractionsAccepted', brandId, { label: 'interactions accepted' }),
            careMetric('CasesOpened', brandId, { label: 'cases opened' }),
            careMetric('MessagesRecorded', brandId, { label: 'messages recorded' }),
            careMetric('DuplicatesSkipped', brandId, { label: 'duplicates skipped' }),
            careMetric('RepliesSent', brandId, { label: 'replies sent' }),
          ],
        }),
        new cloudwatch.GraphWidget({
          title: `${brandId}: first response (seconds)`,
          width: 8,
          left: [
            careMetric('FirstResponseSeconds', brandId, { statistic: 'p50', label: 'p50' }),
            careMetric('FirstResponseSeconds', brandId, { statistic: 'p90', label: 'p90' }),
            careMetric('FirstResponseSeconds', brandId, {
              statistic: cloudwatch.Stats.MAXIMUM,
              label: 'max',
            }),
          ],
        }),
        new cloudwatch.GraphWidget({
          title: `${brandId}: deadlines and pages`,
          width: 8,
          left: [
            careMetric('DeadlineWarnings', brandId, { label: 'warnings' }),
            careMetric('DeadlineBreaches', brandId, { label: 'breaches' }),
            careMetric('Pages', brandId, { label: 'pages' }),
          ],
        }),
      );
    }

    const perMinute = { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM };
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '## pipeline', width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'queue depth',
        width: 8,
        left: props.queues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ ...perMinute, label }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'oldest message (seconds)',
        width: 8,
        left: props.queues.map(({ label, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ ...perMinute, label }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'dead letters',
        width: 8,
        left: props.deadLetterQueues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ ...perMinute, label }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'function errors',
        width: 12,
        left: props.functions.map(({ label, fn }) =>
          fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM, label }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'function duration p90 (ms)',
        width: 12,
        left: props.functions.map(({ label, fn }) =>
          fn.metricDuration({ period: Duration.minutes(5), statistic: 'p90', label }),
        ),
      }),
      new cloudwatch.AlarmStatusWidget({
        title: 'alarms',
        width: 24,
        alarms: [...props.alarms, ...breachAlarms.values()],
      }),
    );
  }

  get dashboardName(): string {
    return this.dashboard.dashboardName;
  }
}
