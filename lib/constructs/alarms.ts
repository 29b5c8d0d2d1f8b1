import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

interface AlarmText {
  /** A fixed name, for alarms an operator looks up by name. */
  alarmName?: string;
  description: string;
}

/** Alarms as soon as a queue holds one message (a dead-letter or failures queue), checked every minute. */
export function anyMessageAlarm(scope: Construct, id: string, queue: sqs.IQueue, text: AlarmText) {
  return new cloudwatch.Alarm(scope, id, {
    ...(text.alarmName ? { alarmName: text.alarmName } : {}),
    alarmDescription: text.description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** Alarms when a function fails a whole invocation within five minutes. */
export function functionErrorsAlarm(scope: Construct, id: string, fn: lambda.IFunction, text: AlarmText) {
  return new cloudwatch.Alarm(scope, id, {
    ...(text.alarmName ? { alarmName: text.alarmName } : {}),
    alarmDescription: text.description,
    metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
