import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEMO_CONFIG_PATH } from '../../functions/commons/brand-config-file';
import { CareStack } from '../../lib/care-stack';
import { OperationsTopic } from '../../lib/constructs/operations-topic';
import { XPollerSchedule } from '../../lib/constructs/x-poller-schedule';

// The demo brand with its care account polling and keyword listening: the stack gets the poller.
const dir = mkdtempSync(join(tmpdir(), 'socialcare-cdk-xpoll-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const raw = JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8'));
raw.brands[0].accounts[0].receive = 'poll';
raw.brands[0].listening = { keywords: ['demo air', '#demoair'] };
const configPath = join(dir, 'polling.json');
writeFileSync(configPath, JSON.stringify(raw));

const app = new App();
const stack = new CareStack(app, 'PollTest', { brandConfigPath: configPath });
const template = Template.fromStack(stack);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
function statementsOf(roleLogicalIdPrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) =>
      (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref.startsWith(roleLogicalIdPrefix)),
    )
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const ref = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

test('the poller runs every minute, never retried, under a minute', () => {
  const { xPoller, xPollerSchedule } = stack;
  if (!xPoller || !xPollerSchedule)
    throw new Error('a polling account should deploy the poller and its schedule');
  template.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'rate(1 minute)',
    Targets: Match.arrayWith([
      Match.objectLike({
        Arn: { 'Fn::GetAtt': [ref(xPoller.function), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      }),
    ]),
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp('reads X mentions and DMs of polling accounts'),
    Timeout: 50,
    Environment: {
      Variables: Match.objectLike({
        X_API_BASE_URL: 'https://api.x.com',
        TABLE_NAME: Match.anyValue(),
        INGEST_QUEUE_URL: Match.anyValue(),
        ONCALL_TOPIC_ARN: Match.anyValue(),
        X_ACCOUNT_SECRET_ARNS: Match.anyValue(),
      }),
    },
  });
  expect(
    xPollerSchedule.alarms.map((a) => (a.node.defaultChild as { alarmName?: string }).alarmName),
  ).toStrictEqual(['PollTest-x-poller-errors', 'PollTest-x-poller-not-running']);
});

test("least privilege: its own table items, the ingest queue, pages, and only the reading accounts' secrets", () => {
  const role = stack.getLogicalId(stack.xPoller!.role.node.defaultChild as never);
  const statements = statementsOf(role);
  const table = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
  expect(table).toStrictEqual([
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: { 'Fn::GetAtt': [ref(stack.table.table), 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['XPOLL#*', 'XSPEND#*', 'PAGE#*'] } },
    },
  ]);
  const sends = statements.filter((s) => JSON.stringify(s.Action).includes('sqs:SendMessage'));
  expect(sends.map((s) => s.Resource)).toStrictEqual([{ 'Fn::GetAtt': [ref(stack.ingest.queue), 'Arn'] }]);
  expect(statements.some((s) => s.Action === 'sns:Publish')).toBeTruthy();
  const secretReads = statements.filter((s) =>
    JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'),
  );
  // The care account polls and searches; the bot receives by webhook: its keys are not readable here.
  expect(secretReads.map((s) => s.Resource)).toStrictEqual([
    { Ref: stack.getLogicalId(stack.xAccounts.secrets.get('4000001')!.node.defaultChild as never) },
  ]);
  const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  expect(!actions.includes('dynamodb:Query') && !actions.includes('dynamodb:Scan')).toBeTruthy();
});

test('cdk-nag AwsSolutions finds nothing new on the poller', () => {
  const report = new AwsSolutionsChecks().validateScope(stack);
  const onPoller = report.violations.filter((v) =>
    v.violatingResources.some((r) => r.constructPath?.includes('x-poller')),
  );
  expect(
    onPoller.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
  ).toStrictEqual([]);
});

test('the schedule refuses a timeout as long as the rate, and no accounts, in one message', () => {
  const scope = new Stack(new App(), 'Bad');
  const fn = new lambda.Function(scope, 'fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    timeout: Duration.seconds(60),
  });
  expect(
    () =>
      new XPollerSchedule(scope, 'poll', {
        poller: fn,
        table: stack.table.table,
        ingestQueue: stack.ingest.queue,
        oncall: { bindPublisher: () => {} },
        accountSecrets: new Map(),
        operations: new OperationsTopic(scope, 'ops'),
      }),
  ).toThrow(
    expect.objectContaining({
      message:
        "Bad/poll: the poller's timeout (1 minute) must be shorter than the rate (1 minute); no X account reads: accountSecrets is empty",
    }),
  );
});
