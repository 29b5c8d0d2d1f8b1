import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { App, type CfnElement, CfnResource, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { DEADLINE_INDEX, QUEUE_INDEX, TABLE_KEYS } from '../../functions/adapters/aws/table-design';
import { DEMO_CONFIG_PATH } from '../../functions/commons/brand-config-file';
import { CareStack } from '../../lib/care-stack';

// One stack for every property test: building it bundles three functions with esbuild. The plugin is
// registered as in bin/app.ts, so synth (below) already throws if cdk-nag finds anything unacknowledged.
const app = new App({ context: { config: DEMO_CONFIG_PATH } });
const stack = new CareStack(app, 'CareTest');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const template = Template.fromStack(stack);
const assemblyDir = app.synth().directory;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Json = Record<string, unknown>;

function logicalId(construct: IConstruct): string {
  const resource = construct.node.defaultChild ?? construct;
  return stack.getLogicalId(resource as CfnElement);
}

function resource(construct: IConstruct): { Properties: Json } {
  const id = logicalId(construct);
  const found = template.toJSON().Resources[id];
  assert.ok(found, `no resource ${id}`);
  return found;
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Every statement of every policy attached to the role. */
function statementsOf(role: IConstruct): Statement[] {
  const roleRef = { Ref: logicalId(role) };
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(roleRef)),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function actionsOn(role: IConstruct, prefix: string): string[] {
  return statementsOf(role)
    .flatMap(actionsOf)
    .filter((action) => action.startsWith(prefix))
    .sort();
}

const functions = { xWebhook: stack.xWebhook, triage: stack.triage, agentApi: stack.agentApi };

test('every function runs Node.js 22 on arm64, traced, with source maps and a log group kept a month', () => {
  const all = Object.values(template.findResources('AWS::Lambda::Function'));
  assert.ok(all.length > 0);
  for (const fn of all) {
    assert.equal(fn.Properties.Runtime, 'nodejs22.x');
    assert.deepEqual(fn.Properties.Architectures, ['arm64']);
  }
  const logGroups = template.toJSON().Resources;
  for (const [name, construct] of Object.entries(functions)) {
    const props = resource(construct.function).Properties as Json & { Environment: { Variables: Json } };
    assert.deepEqual(props.TracingConfig, { Mode: 'Active' }, name);
    assert.equal(props.MemorySize, 512, name);
    assert.equal(props.Environment.Variables.NODE_OPTIONS, '--enable-source-maps', name);
    assert.equal(props.Environment.Variables.POWERTOOLS_SERVICE_NAME, 'socialcare', name);
    assert.deepEqual(
      props.LoggingConfig,
      { LogFormat: 'JSON', LogGroup: { Ref: logicalId(construct.logGroup) } },
      name,
    );
    assert.equal(logGroups[logicalId(construct.logGroup)].Properties.RetentionInDays, 30, name);
  }
});

test('no function role uses an AWS managed policy', () => {
  for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
    assert.equal(role.Properties.ManagedPolicyArns, undefined);
  }
});

test('bundles inline the validated brand config and carry the AWS SDK inside', () => {
  for (const [name, construct] of Object.entries(functions)) {
    const code = resource(construct.function).Properties.Code as { S3Key: string };
    const dir = join(assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(join(dir, 'index.js'), 'utf8');
    assert.ok(
      bundle.includes('DemoAirFares') && bundle.includes('4000001'),
      `${name}: brand config not inlined`,
    );
    assert.ok(!bundle.includes('require("@aws-sdk/client-'), `${name}: AWS SDK left external`);
    assert.ok(existsSync(join(dir, 'index.js.map')), `${name}: no source map`);
  }
});

test('the table: on demand, PITR, encrypted, TTL, both indexes from the shared design, retained', () => {
  const indexes = [DEADLINE_INDEX, QUEUE_INDEX].map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partition, KeyType: 'HASH' },
      { AttributeName: index.sort, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  }));
  template.hasResource('AWS::DynamoDB::Table', {
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttl, Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith(indexes),
      DeletionProtectionEnabled: true,
    },
  });
});

test('table access: triage reads and writes, the agent API only reads, no Scan or DeleteItem anywhere', () => {
  assert.deepEqual(actionsOn(stack.triage.role, 'dynamodb:'), [
    'dynamodb:BatchGetItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
  ]);
  assert.deepEqual(actionsOn(stack.agentApi.role, 'dynamodb:'), [
    'dynamodb:BatchGetItem',
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:Query',
  ]);
  const tableRef = { Ref: logicalId(stack.table.table) };
  for (const construct of [stack.triage, stack.agentApi]) {
    const vars = (resource(construct.function).Properties.Environment as { Variables: Json }).Variables;
    assert.deepEqual(vars.TABLE_NAME, tableRef);
  }
});

test('the webhook path never touches the database', () => {
  assert.deepEqual(actionsOn(stack.xWebhook.role, 'dynamodb:'), []);
  const vars = (resource(stack.xWebhook.function).Properties.Environment as { Variables: Json }).Variables;
  assert.equal(vars.TABLE_NAME, undefined);
  assert.deepEqual(vars.INGEST_QUEUE_URL, { Ref: logicalId(stack.ingest.queue) });
  assert.deepEqual(vars.DEAD_LETTER_QUEUE_URL, { Ref: logicalId(stack.ingest.deadLetterQueue) });
  assert.deepEqual(vars.X_SECRET_ARN, { Ref: logicalId(stack.secrets.x) });
  const sentTo = statementsOf(stack.xWebhook.role)
    .filter((s) => actionsOf(s).includes('sqs:SendMessage'))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
    .map((r) => JSON.stringify(r))
    .sort();
  const queues = [stack.ingest.queue, stack.ingest.deadLetterQueue].map((q) =>
    JSON.stringify({ 'Fn::GetAtt': [logicalId(q), 'Arn'] }),
  );
  assert.deepEqual(sentTo, queues.sort());
});

test('only the webhook may read the X secret', () => {
  const secretRef = JSON.stringify({ Ref: logicalId(stack.secrets.x) });
  for (const [name, construct] of Object.entries(functions)) {
    const reads = statementsOf(construct.role).some(
      (s) =>
        actionsOf(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource) === secretRef,
    );
    assert.equal(reads, name === 'xWebhook', name);
  }
  const secret = resource(stack.secrets.x).Properties as {
    GenerateSecretString: { SecretStringTemplate: string };
  };
  assert.deepEqual(JSON.parse(secret.GenerateSecretString.SecretStringTemplate), {
    consumerSecret: 'REPLACE_ME',
  });
});

test('triage may call Comprehend, in a policy of its own holding only that action', () => {
  const comprehend = statementsOf(stack.triage.role).filter((s) =>
    actionsOf(s).some((a) => a.startsWith('comprehend:')),
  );
  assert.deepEqual(comprehend, [
    { Effect: 'Allow', Action: 'comprehend:BatchDetectSentiment', Resource: '*' },
  ]);
  for (const construct of [stack.xWebhook, stack.agentApi])
    assert.deepEqual(actionsOn(construct.role, 'comprehend:'), []);
  const vars = (resource(stack.triage.function).Properties.Environment as { Variables: Json }).Variables;
  assert.equal(vars.SENTIMENT, 'comprehend');
  // The function waits for the policy, so the first batch can already call Comprehend.
  const policyId = logicalId(stack.triage.function.node.findChild('sentiment-policy'));
  const triage = template.toJSON().Resources[logicalId(stack.triage.function)] as { DependsOn: string[] };
  assert.ok(triage.DependsOn.includes(policyId));
});

test('triage reads the ingest queue in batches of 10 and reports partial batch failures', () => {
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.ingest.queue), 'Arn'] },
    FunctionName: { Ref: logicalId(stack.triage.function) },
    BatchSize: 10,
    MaximumBatchingWindowInSeconds: 1,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
  });
});

test('queues: encrypted, TLS only, redrive after 5 receives, DLQ kept 14 days, visibility 6x triage timeout', () => {
  const queue = resource(stack.ingest.queue).Properties;
  assert.deepEqual(queue.RedrivePolicy, {
    deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.ingest.deadLetterQueue), 'Arn'] },
    maxReceiveCount: 5,
  });
  assert.equal(queue.VisibilityTimeout, 6 * (stack.triage.function.timeout?.toSeconds() ?? Number.NaN));
  assert.equal(queue.SqsManagedSseEnabled, true);
  const dlq = resource(stack.ingest.deadLetterQueue).Properties;
  assert.equal(dlq.MessageRetentionPeriod, 14 * 24 * 3600);
  assert.equal(dlq.SqsManagedSseEnabled, true);
  for (const q of [stack.ingest.queue, stack.ingest.deadLetterQueue]) {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(q) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  }
});

test('the agent API routes need a Cognito JWT; the X webhook routes are open (HMAC-checked in the function)', () => {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  const byKey = new Map(routes.map((r) => [r.RouteKey as string, r]));
  assert.deepEqual([...byKey.keys()].sort(), [
    'GET /api/cases',
    'GET /api/cases/{caseId}',
    'GET /webhooks/x',
    'POST /webhooks/x',
  ]);
  const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
  for (const key of ['GET /api/cases', 'GET /api/cases/{caseId}']) {
    assert.equal(byKey.get(key)?.AuthorizationType, 'JWT', key);
    assert.deepEqual(byKey.get(key)?.AuthorizerId, { Ref: authorizerId }, key);
  }
  for (const key of ['GET /webhooks/x', 'POST /webhooks/x']) {
    assert.ok([undefined, 'NONE'].includes(byKey.get(key)?.AuthorizationType as string | undefined), key);
    assert.equal(byKey.get(key)?.AuthorizerId, undefined, key);
  }
  template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
    AuthorizerType: 'JWT',
    IdentitySource: ['$request.header.Authorization'],
    JwtConfiguration: {
      Audience: [{ Ref: logicalId(stack.agents.consoleClient) }],
      Issuer: { 'Fn::Join': ['', Match.arrayWith([{ Ref: logicalId(stack.agents.userPool) }])] },
    },
  });
});

test('the API stage is access-logged and throttled', () => {
  template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
    StageName: '$default',
    AutoDeploy: true,
    DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
    AccessLogSettings: {
      DestinationArn: { 'Fn::GetAtt': [logicalId(stack.api.accessLogs), 'Arn'] },
      Format: Match.stringLikeRegexp('\\$context\\.requestId'),
    },
  });
});

test('agents: invited only, strong passwords, TOTP required, threat protection', () => {
  template.hasResourceProperties('AWS::Cognito::UserPool', {
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    MfaConfiguration: 'ON',
    EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    Policies: {
      PasswordPolicy: Match.objectLike({
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      }),
    },
    UserPoolTier: 'PLUS',
    UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
  });
  const pool = resource(stack.agents.userPool).Properties as {
    Policies: { PasswordPolicy: { MinimumLength: number } };
  };
  assert.ok(pool.Policies.PasswordPolicy.MinimumLength >= 12);
  template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
    GenerateSecret: false,
    ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
    PreventUserExistenceErrors: 'ENABLED',
  });
});

test('alarms on the DLQ, the queue age and triage errors go to the encrypted, TLS-only operations topic', () => {
  const topicRef = { Ref: logicalId(stack.operations.topic) };
  const expected = [
    {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(stack.ingest.deadLetterQueue), 'QueueName'] },
        },
      ],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    },
    {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.ingest.queue), 'QueueName'] } },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 300,
    },
    {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.triage.function) } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    },
  ];
  for (const alarm of expected) {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...alarm, AlarmActions: [topicRef] });
  }
  template.hasResourceProperties('AWS::SNS::Topic', {
    KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.operations.key), 'Arn'] },
  });
  template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  template.hasResourceProperties('AWS::SNS::TopicPolicy', {
    Topics: [topicRef],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    },
  });
});

test('outputs tell the operator what to register and where to put the secret', () => {
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  for (const name of [
    'ApiUrl',
    'XWebhookUrl',
    'UserPoolId',
    'UserPoolClientId',
    'TableName',
    'IngestQueueUrl',
    'DeadLetterQueueUrl',
    'XSecretName',
    'XSecretArn',
    'OperationsTopicArn',
  ]) {
    assert.ok(outputs[name]?.Value, `output ${name}`);
  }
  assert.match(JSON.stringify(outputs.XWebhookUrl?.Value), /\/webhooks\/x"/);
});

test('cdk-nag AwsSolutions: no unacknowledged finding, and only the reviewed acknowledgements', () => {
  const report = new AwsSolutionsChecks().validateScope(stack);
  const describe = (severity: string) =>
    report.violations
      .filter((v) => v.severity === severity)
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
  assert.deepEqual(describe('error'), []);
  assert.deepEqual(describe('warning'), []);

  const acknowledged = stack.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([id, reason]) => {
          assert.ok(reason.length > 60, `${c.node.path} ${id}: reason too thin`);
          return `${c.node.path.replace(/^CareTest\//, '')} ${id.replace(/^annotation::/i, '')}`;
        }),
    )
    .sort();
  assert.deepEqual(acknowledged, [
    'agent-api/function AwsSolutions-L1',
    'agent-api/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'api/http-api/GET--webhooks--x AwsSolutions-APIG4',
    'api/http-api/POST--webhooks--x AwsSolutions-APIG4',
    'secrets/x AwsSolutions-SMG4',
    'triage/function AwsSolutions-L1',
    'triage/function/sentiment-policy AwsSolutions-IAM5[Resource::*]',
    'triage/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'x-webhook/function AwsSolutions-L1',
    'x-webhook/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
  ]);
  assert.deepEqual(Annotations.fromStack(stack).findError('*', Match.anyValue()), []);
});

test('a bad brand config fails before any resource exists, naming each bad field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socialcare-cdk-'));
  try {
    const path = join(dir, 'bad-brand.json');
    writeFileSync(path, JSON.stringify({ brands: [{ id: 'Demo Air', name: 'DemoAir', accounts: [] }] }));
    const badApp = new App({ context: { config: path } });
    assert.throws(
      () => new CareStack(badApp, 'Bad'),
      (error: Error) => {
        assert.equal(error.name, 'BrandConfigError');
        assert.match(error.message, /brands\[0\]\.id: expected a short lowercase id/);
        assert.match(error.message, /brands\[0\]\.accounts: a brand needs at least one account/);
        return true;
      },
    );
    assert.deepEqual(badApp.node.findAll().filter(CfnResource.isCfnResource), []);

    const missing = join(dir, 'missing.json');
    assert.throws(() => new CareStack(new App(), 'Missing', { brandConfigPath: missing }), {
      name: 'BrandConfigError',
      message: new RegExp(`cannot read brand config ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
