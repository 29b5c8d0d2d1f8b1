import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { functionErrorsAlarm } from './alarms';
import type { OperationsTopic } from './operations-topic';

export interface SlaScheduleProps {
  /**
   * The SLA monitor. Build it with `retryAttempts: 0`: a failed run is not worth retrying when the next
   * one starts within the minute and picks up the same due cases.
   */
  readonly monitor: lambda.Function;
  readonly operations: OperationsTopic;
  /** @default 1 minute */
  readonly rate?: Duration;
}

/**
 * Runs the SLA monitor on a fixed rate (EventBridge). No reserved concurrency: two runs that overlap
 * are safe, since each step of a case is taken by a conditional update that only one run wins, but
 * the monitor's timeout must stay below the rate so runs do not pile up. Alarms: the monitor fails,
 * or it stopped running at all (missing data counts as not running).
 */
export class SlaSchedule extends Construct {
  readonly rule: events.Rule;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: SlaScheduleProps) {
    super(scope, id);
    const { monitor } = props;
    const rate = props.rate ?? Duration.minutes(1);
    const timeout = monitor.timeout ?? Duration.seconds(3);
    if (timeout.toSeconds() >= rate.toSeconds()) {
      throw new Error(
        `${this.node.path}: the monitor's timeout (${timeout.toHumanString()}) must be shorter than the rate (${rate.toHumanString()})`,
      );
    }
    const stackName = Stack.of(this).stackName;

    this.rule = new events.Rule(this, 'rule', {
      description: `socialcare: runs the SLA monitor every ${rate.toHumanString()}`,
      schedule: events.Schedule.rate(rate),
      targets: [new targets.LambdaFunction(monitor, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    // At least five periods of the rate, so one late run does not page anyone.
    const window = Duration.seconds(Math.max(300, rate.toSeconds() * 5));
    this.alarms = [
      functionErrorsAlarm(this, 'errors-alarm', monitor, {
        alarmName: `${stackName}-sla-monitor-errors`,
        description: 'socialcare: the SLA monitor fails; deadline warnings and breaches may not be paged',
      }),
      new cloudwatch.Alarm(this, 'not-running-alarm', {
        alarmName: `${stackName}-sla-monitor-not-running`,
        alarmDescription: `socialcare: the SLA monitor did not run for ${window.toHumanString()}; no deadline is watched`,
        metric: monitor.metricInvocations({ period: window, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    ];
    for (const alarm of this.alarms) props.operations.notify(alarm);
  }
}
