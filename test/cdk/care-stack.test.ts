import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { App, type CfnElement, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS } from '../../functions/adapters/aws/table-design';
import { AGENT_API_ROUTES, AGENT_ROUTES } from '../../functions/agent-api/routes';
import { DEMO_CONFIG_PATH } from '../../functions/commons/brand-config-file';
import { EmbeddedMetrics } from '../../functions/commons/metrics';
import { readCareSettings } from '../../lib/care-settings';
import { CareStack } from '../../lib/care-stack';
import { careMetricDimensions } from '../../lib/constructs/care-dashboard';
import { bindSentiment } from '../../lib/constructs/sentiment-access';

const ONCALL_EMAILS = ['oncall@example.com', 'care-lead@example.com'];
const ONCALL_SMS = ['+31612345678', '+14155550100'];

// One stack for every property test: building it bundles six functions with esbuild. The plugin is
// registered as in bin/app.ts, so synth (below) already throws if cdk-nag finds anything unacknowledged.
// The on-call subscribers come in as on the command line: comma-separated context values.
const app = new App({
  context: {
    config: DEMO_CONFIG_PATH,
    oncallEmails: ONCALL_EMAILS.join(','),
    oncallSms: ONCALL_SMS.join(', '),
  },
});
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
  if (!found) throw new Error(`no resource ${id}`);
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

function environmentOf(construct: IConstruct): Json {
  return (resource(construct).Properties.Environment as { Variables: Json }).Variables;
}

/** Every resource of every statement of the role that allows `action`, as JSON text, sorted. */
function resourcesFor(role: IConstruct, action: string): string[] {
  return statementsOf(role)
    .filter((s) => actionsOf(s).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
    .map((r) => JSON.stringify(r))
    .sort();
}

const arnOf = (construct: IConstruct) => JSON.stringify({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });
const refOf = (construct: IConstruct) => JSON.stringify({ Ref: logicalId(construct) });

const functions = {
  xWebhook: stack.xWebhook,
  metaWebhook: stack.channels.metaWebhook,
  genericWebhook: stack.channels.genericWebhook,
  triage: stack.triage,
  agentApi: stack.agentApi,
  sender: stack.sender,
  slaMonitor: stack.slaMonitor,
  pageForwarder: stack.pageForwarder,
  xWebhookAdmin: stack.xAdmin,
  pageAck: stack.pageAck.handler,
};
/** The functions that read the brand config (the forwarder only forwards pages). */
const brandFunctions = {
  xWebhook: stack.xWebhook,
  triage: stack.triage,
  agentApi: stack.agentApi,
  sender: stack.sender,
  slaMonitor: stack.slaMonitor,
  xWebhookAdmin: stack.xAdmin,
};
const xAccountIds = ['4000001', '4000002'];

test('every function runs Node.js 22 on arm64, traced, with source maps and a log group kept a month', () => {
  // Ours: every function but CDK's console upload handler (Python, runs only during deploys).
  const all = Object.entries(template.findResources('AWS::Lambda::Function'))
    .filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'))
    .map(([, fn]) => fn);
  expect(all.length).toBe(Object.keys(functions).length);
  for (const fn of all) {
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.Architectures).toStrictEqual(['arm64']);
  }
  const logGroups = template.toJSON().Resources;
  for (const [name, construct] of Object.entries(functions)) {
    // The name rides along, so a failure says which function.
    expect({ name, ...resource(construct.function).Properties }).toMatchObject({
      name,
      TracingConfig: { Mode: 'Active' },
      MemorySize: name === 'pageForwarder' || name === 'pageAck' ? 256 : 512,
      Environment: {
        Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'socialcare' },
      },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId(construct.logGroup) } },
    });
    expect(logGroups[logicalId(construct.logGroup)].Properties.RetentionInDays).toBe(30);
  }
});

test('no function role uses an AWS managed policy', () => {
  for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  }
});

test('bundles inline the validated brand config and carry the AWS SDK inside', () => {
  for (const [name, construct] of Object.entries(brandFunctions)) {
    const code = resource(construct.function).Properties.Code as { S3Key: string };
    const dir = join(assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(join(dir, 'index.js'), 'utf8');
    expect({
      name,
      brandConfigInlined: bundle.includes('DemoAirFares') && bundle.includes('4000001'),
      sdkLeftExternal: bundle.includes('require("@aws-sdk/client-'),
      sourceMap: existsSync(join(dir, 'index.js.map')),
    }).toEqual({ name, brandConfigInlined: true, sdkLeftExternal: false, sourceMap: true });
  }
});

test('the trained model ships beside the triage bundle, byte for byte, and beside no other', () => {
  const model = readFileSync(new URL('../../functions/core/sentiment/care-model.json', import.meta.url));
  for (const [name, construct] of Object.entries(brandFunctions)) {
    const code = resource(construct.function).Properties.Code as { S3Key: string };
    const dir = join(assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const beside = join(dir, 'care-model.json');
    expect({
      name,
      requiresModel: readFileSync(join(dir, 'index.js'), 'utf8').includes('require("./care-model.json")'),
      modelBeside: existsSync(beside) && readFileSync(beside).equals(model),
    }).toEqual({ name, requiresModel: name === 'triage', modelBeside: name === 'triage' });
  }
});

test('the table: on demand, PITR, encrypted, TTL, both indexes from the shared design, retained', () => {
  const indexes = TABLE_INDEXES.map((index) => ({
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

test('table access, least privilege per function: items read and written, Query only on the indexes each one reads', () => {
  const indexesQueried = {
    triage: [],
    sender: [],
    slaMonitor: ['deadline-index', 'queue-index'],
    agentApi: ['history-index', 'queue-index'],
    xWebhookAdmin: [],
  };
  for (const [name, indexes] of Object.entries(indexesQueried)) {
    const construct = functions[name as keyof typeof functions];
    // TransactWriteItems (updateCase) is authorized item by item by Put, Update and ConditionCheck.
    const onTable = statementsOf(construct.role).filter((st) =>
      JSON.stringify(st.Resource).includes(logicalId(stack.table.table)),
    );
    const tableActions = onTable
      .filter((st) => !JSON.stringify(st.Resource).includes('/index/'))
      .flatMap(actionsOf)
      .sort();
    expect({ name, tableActions }).toStrictEqual({
      name,
      tableActions: [
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
    });
    const indexStatements = onTable.filter((st) => JSON.stringify(st.Resource).includes('/index/'));
    expect({ name, indexActions: indexStatements.flatMap(actionsOf).sort() }).toStrictEqual({
      name,
      indexActions: indexes.length ? ['dynamodb:Query'] : [],
    });
    // Query on exactly the indexes it reads, no wildcard.
    const named = indexStatements
      .flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]))
      .map((r) => /\/index\/([a-z-]+)/.exec(JSON.stringify(r))?.[1])
      .sort();
    expect({ name, indexes: named }).toStrictEqual({ name, indexes });
  }
  expect(actionsOn(stack.pageForwarder.role, 'dynamodb:')).toStrictEqual([]);
  const tableRef = { Ref: logicalId(stack.table.table) };
  for (const construct of [stack.triage, stack.agentApi, stack.sender, stack.slaMonitor]) {
    const vars = (resource(construct.function).Properties.Environment as { Variables: Json }).Variables;
    expect(vars.TABLE_NAME).toStrictEqual(tableRef);
  }
});

test('the webhook path never touches the database', () => {
  expect(actionsOn(stack.xWebhook.role, 'dynamodb:')).toStrictEqual([]);
  const vars = (resource(stack.xWebhook.function).Properties.Environment as { Variables: Json }).Variables;
  expect(vars.TABLE_NAME).toBeUndefined();
  expect(vars.INGEST_QUEUE_URL).toStrictEqual({ Ref: logicalId(stack.ingest.queue) });
  expect(vars.DEAD_LETTER_QUEUE_URL).toStrictEqual({ Ref: logicalId(stack.ingest.deadLetterQueue) });
  expect(vars.X_SECRET_ARN).toStrictEqual({ Ref: logicalId(stack.secrets.x) });
  expect(resourcesFor(stack.xWebhook.role, 'sqs:SendMessage')).toStrictEqual(
    [stack.ingest.queue, stack.ingest.deadLetterQueue].map(arnOf).sort(),
  );
  // Nor may it send anything: no account credentials, no outbox, no pages.
  expect(resourcesFor(stack.xWebhook.role, 'secretsmanager:GetSecretValue')).toStrictEqual([
    refOf(stack.secrets.x),
  ]);
  expect(vars.X_ACCOUNT_SECRET_ARNS).toBeUndefined();
  expect(actionsOn(stack.xWebhook.role, 'sns:')).toStrictEqual([]);
});

test('only the webhook may read the X secret', () => {
  const secretRef = JSON.stringify({ Ref: logicalId(stack.secrets.x) });
  for (const [name, construct] of Object.entries(functions)) {
    const reads = statementsOf(construct.role).some(
      (s) =>
        actionsOf(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource) === secretRef,
    );
    expect(reads).toBe(name === 'xWebhook');
  }
  const secret = resource(stack.secrets.x).Properties as {
    GenerateSecretString: { SecretStringTemplate: string };
  };
  expect(JSON.parse(secret.GenerateSecretString.SecretStringTemplate)).toStrictEqual({
    consumerSecret: 'REPLACE_ME',
  });
});

test('triage may call Comprehend for sentiment and PII, the agent API for PII, each in a policy of its own', () => {
  const comprehend = (role: IConstruct) =>
    statementsOf(role)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('comprehend:')))
      .map((s) => JSON.stringify({ Effect: s.Effect, Action: s.Action, Resource: s.Resource }))
      .sort();
  expect(comprehend(stack.triage.role)).toStrictEqual([
    JSON.stringify({ Effect: 'Allow', Action: 'comprehend:BatchDetectSentiment', Resource: '*' }),
    JSON.stringify({ Effect: 'Allow', Action: 'comprehend:DetectPiiEntities', Resource: '*' }),
  ]);
  expect(comprehend(stack.agentApi.role)).toStrictEqual([
    JSON.stringify({ Effect: 'Allow', Action: 'comprehend:DetectPiiEntities', Resource: '*' }),
  ]);
  for (const construct of [stack.xWebhook, stack.sender, stack.slaMonitor])
    expect(actionsOn(construct.role, 'comprehend:')).toStrictEqual([]);
  const vars = (resource(stack.triage.function).Properties.Environment as { Variables: Json }).Variables;
  expect(vars.SENTIMENT).toBe('comprehend');
  // The function waits for the policy, so the first batch can already call Comprehend.
  const policyId = logicalId(stack.triage.function.node.findChild('sentiment-policy'));
  const triage = template.toJSON().Resources[logicalId(stack.triage.function)] as { DependsOn: string[] };
  expect(triage.DependsOn).toContain(policyId);
});

test('triage reads the ingest queue in batches of 10 and reports partial batch failures', () => {
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.ingest.queue), 'Arn'] },
    FunctionName: { Ref: logicalId(stack.triage.function) },
    BatchSize: 10,
    MaximumBatchingWindowInSeconds: 1,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    // A burst waits in the queue rather than storming Comprehend (and the table) with invocations.
    ScalingConfig: { MaximumConcurrency: 10 },
  });
});

test('sentiment mode is a deploy-time setting: comprehend by default, hybrid or local from context; local grants no Comprehend', () => {
  expect(readCareSettings(new App(), {}).sentiment).toBe('comprehend');
  expect(readCareSettings(new App({ context: { sentiment: 'hybrid' } }), {}).sentiment).toBe('hybrid');
  expect(
    readCareSettings(new App({ context: { sentiment: 'hybrid' } }), { sentiment: 'local' }).sentiment,
  ).toBe('local');
  expect(() => readCareSettings(new App({ context: { sentiment: 'aws' } }), {})).toThrow(
    expect.objectContaining({
      name: 'CareSettingsError',
      message: expect.stringMatching(/sentiment must be one of local, comprehend, hybrid, not "aws"/),
    }),
  );
  for (const mode of ['local', 'hybrid'] as const) {
    const small = new Stack(new App(), `Sentiment-${mode}`);
    const fn = new lambda.Function(small, 'fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    bindSentiment(fn, mode);
    const t = Template.fromStack(small);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { SENTIMENT: mode } },
    });
    const granted = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap(actionsOf),
    );
    expect({ mode, comprehend: granted.includes('comprehend:BatchDetectSentiment') }).toStrictEqual({
      mode,
      comprehend: mode !== 'local',
    });
  }
});

test('queues: encrypted, TLS only, redrive after 5 receives, DLQ kept 14 days, visibility 6x triage timeout', () => {
  const queue = resource(stack.ingest.queue).Properties;
  expect(queue.RedrivePolicy).toStrictEqual({
    deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.ingest.deadLetterQueue), 'Arn'] },
    maxReceiveCount: 5,
  });
  expect(queue.VisibilityTimeout).toBe(6 * (stack.triage.function.timeout?.toSeconds() ?? Number.NaN));
  expect(queue.SqsManagedSseEnabled).toBe(true);
  const dlq = resource(stack.ingest.deadLetterQueue).Properties;
  expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  expect(dlq.SqsManagedSseEnabled).toBe(true);
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

// The routes the agent API's router answers (functions/agent-api/routes.ts): each must be deployed.
const AGENT_ROUTE_KEYS = [...AGENT_ROUTES].sort();

test('every agent API route needs a Cognito JWT; the X webhook routes are open (HMAC-checked in the function)', () => {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  const byKey = new Map(routes.map((r) => [r.RouteKey as string, r]));
  // Every route the handler answers is deployed, once, and nothing else under /api.
  expect([...byKey.keys()].filter((k) => k.includes(' /api/')).sort()).toStrictEqual(AGENT_ROUTE_KEYS);
  expect(byKey.has('GET /webhooks/x') && byKey.has('POST /webhooks/x')).toBeTruthy();
  const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
  for (const key of AGENT_ROUTE_KEYS) {
    expect(byKey.get(key)?.AuthorizationType).toBe('JWT');
    expect(byKey.get(key)?.AuthorizerId).toStrictEqual({ Ref: authorizerId });
  }
  for (const key of ['GET /webhooks/x', 'POST /webhooks/x']) {
    expect([undefined, 'NONE']).toContain(byKey.get(key)?.AuthorizationType as string | undefined);
    expect(byKey.get(key)?.AuthorizerId).toBeUndefined();
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

test('webhooks and the agent API are throttled apart: each route has its own limit, webhooks a lower one', () => {
  const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
  const settings = stage.Properties.RouteSettings as Record<
    string,
    { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
  >;
  const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (r) => r.Properties.RouteKey as string,
  );
  // Every route has its own setting.
  expect(Object.keys(settings).sort()).toStrictEqual([...routeKeys].sort());
  for (const key of [
    'GET /webhooks/x',
    'POST /webhooks/x',
    'GET /webhooks/meta',
    'POST /webhooks/meta',
    'POST /webhooks/generic',
  ]) {
    expect({ key, setting: settings[key] }).toStrictEqual({
      key,
      setting: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  }
  for (const key of AGENT_ROUTE_KEYS) {
    expect({ key, setting: settings[key] }).toStrictEqual({
      key,
      setting: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  }
  // Route settings name routes: the stage is deployed after them.
  const dependsOn = (stage.DependsOn ?? []) as string[];
  const routeIds = Object.keys(template.findResources('AWS::ApiGatewayV2::Route'));
  expect(routeIds.filter((id) => !dependsOn.includes(id))).toStrictEqual([]);
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
  // Who read or changed which case: the caller's Cognito sub (the agent registry's id) and the path.
  const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
  const format = JSON.parse(
    (stage.Properties as { AccessLogSettings: { Format: string } }).AccessLogSettings.Format,
  ) as Record<string, string>;
  expect(format.caller).toBe('$context.authorizer.claims.sub');
  expect(format.path).toBe('$context.path');
  expect(format.routeKey).toBe('$context.routeKey');
});

test('roles: the Cognito admin group bootstraps the agent registry; every declared agent API route is deployed', () => {
  template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
    GroupName: 'socialcare-admin',
    UserPoolId: { Ref: logicalId(stack.agents.userPool) },
  });
  const deployed = new Set(
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey as string,
    ),
  );
  const declared = AGENT_API_ROUTES.flatMap((route) => route.verbs.map((verb) => `${verb} ${route.path}`));
  expect(declared.filter((key) => !deployed.has(key))).toStrictEqual([]);
  // The registry and the audit export are routes like the others, behind the same authorizer.
  expect(AGENT_ROUTE_KEYS).toEqual(
    expect.arrayContaining([
      'GET /api/agents',
      'POST /api/agents',
      'DELETE /api/agents/{agentId}',
      'GET /api/audit',
      'GET /api/accounts',
      'POST /api/accounts/{platform}/{accountId}/reauthorized',
    ]),
  );
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
  expect(pool.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
  template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
    GenerateSecret: false,
    ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
    PreventUserExistenceErrors: 'ENABLED',
  });
});

const consoleUrl = {
  'Fn::Join': [
    '',
    ['https://', { 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] }, '/'],
  ],
};

test('the console client signs in through the Hosted UI: code flow only, openid email profile, back to the console', () => {
  template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
    GenerateSecret: false,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    CallbackURLs: [consoleUrl],
    LogoutURLs: [consoleUrl],
    SupportedIdentityProviders: ['COGNITO'],
  });
  // A Cognito domain named after the stack and the account: unique where Cognito needs it to be.
  template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
    Domain: { 'Fn::Join': ['', ['caretest-', { Ref: 'AWS::AccountId' }]] },
    UserPoolId: { Ref: logicalId(stack.agents.userPool) },
  });
});

test('the console: a private TLS-only bucket read by CloudFront through OAC, HTTPS only, security headers', () => {
  template.hasResourceProperties('AWS::S3::Bucket', {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    },
  });
  const bucket = { Ref: logicalId(stack.console.bucket) };
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: bucket,
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({
          Effect: 'Allow',
          Action: 's3:GetObject',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
        }),
      ]),
    },
  });
  template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
    OriginAccessControlConfig: Match.objectLike({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
    }),
  });
  const distribution = resource(stack.console.distribution).Properties.DistributionConfig as Json;
  const behavior = distribution.DefaultCacheBehavior as Json;
  expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  expect(behavior.AllowedMethods).toStrictEqual(['GET', 'HEAD']);
  expect(behavior.ResponseHeadersPolicyId).toStrictEqual({ Ref: logicalId(stack.console.responseHeaders) });
  expect(distribution.DefaultRootObject).toBe('index.html');
  const [origin] = distribution.Origins as Json[];
  expect(origin?.OriginAccessControlId).toBeTruthy(); // the S3 origin signs with origin access control
  expect((origin?.S3OriginConfig as Json | undefined)?.OriginAccessIdentity).toStrictEqual(''); // no legacy OAI
  expect(
    (distribution.CustomErrorResponses as Json[]).map((r) => [
      r.ErrorCode,
      r.ResponseCode,
      r.ResponsePagePath,
    ]),
  ).toStrictEqual([
    [403, 200, '/index.html'],
    [404, 200, '/index.html'],
  ]);
  const headers = resource(stack.console.responseHeaders).Properties.ResponseHeadersPolicyConfig as {
    SecurityHeadersConfig: Record<string, Json>;
  };
  const security = headers.SecurityHeadersConfig;
  expect(security.FrameOptions?.FrameOption).toBe('DENY');
  expect(security.ContentTypeOptions?.Override).toBe(true);
  expect(security.StrictTransportSecurity?.AccessControlMaxAgeSec).toBe(31_536_000);
  const csp = JSON.stringify(security.ContentSecurityPolicy?.ContentSecurityPolicy);
  expect(csp).toMatch(/default-src 'self'; script-src 'self'/);
  expect(csp).toMatch(/connect-src 'self' https:\/\/\*\.execute-api\./);
  expect(csp).toMatch(/\.auth\./); // the Hosted UI token endpoint
});

test('the console is uploaded with a config.json naming the API, the user pool client and the Hosted UI', () => {
  const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')).map(
    (r) => r.Properties as Json,
  );
  const bucket = { Ref: logicalId(stack.console.bucket) };
  expect(deployments.length).toBe(2);
  for (const d of deployments) expect(d.DestinationBucketName).toStrictEqual(bucket);
  const assets = deployments.find((d) => d.DestinationBucketKeyPrefix === 'assets/');
  expect(assets?.SystemMetadata).toStrictEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
  const entry = deployments.find((d) => d.DestinationBucketKeyPrefix === undefined);
  expect(entry?.SystemMetadata).toStrictEqual({ 'cache-control': 'no-cache' });
  const markers = JSON.stringify(entry?.SourceMarkers);
  for (const value of [
    { Ref: logicalId(stack.api.httpApi) },
    { Ref: logicalId(stack.agents.consoleClient) },
    { 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] },
  ]) {
    expect(markers).toContain(JSON.stringify(value)); // `config.json carries ${JSON.stringify(value)}`
  }
  // The API lets the console's origin call it from the browser, and no other.
  template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
    CorsConfiguration: {
      AllowOrigins: [
        {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] }],
          ],
        },
      ],
      AllowHeaders: ['authorization', 'content-type'],
      AllowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
    },
  });
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  expect(outputs.ConsoleUrl?.Value).toStrictEqual(consoleUrl);
});

test('the agent API may enqueue replies on the outbox, and nothing else there', () => {
  expect(environmentOf(stack.agentApi.function).OUTBOX_QUEUE_URL).toStrictEqual({
    Ref: logicalId(stack.outbox.queue),
  });
  expect(resourcesFor(stack.agentApi.role, 'sqs:SendMessage')).toStrictEqual([arnOf(stack.outbox.queue)]);
  expect(actionsOn(stack.agentApi.role, 'sqs:').filter((a) => a.startsWith('sqs:Receive'))).toStrictEqual([]);
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
    'OutboxQueueUrl',
    'OutboxDeadLetterQueueUrl',
    'XAccountSecretNames',
    'OncallTopicArn',
    'PageTargetsSecretName',
    'PageForwardingFailuresQueueUrl',
    'DashboardName',
  ]) {
    expect(outputs[name]?.Value).toBeTruthy(); // `output ${name}`
  }
  expect(JSON.stringify(outputs.XWebhookUrl?.Value)).toMatch(/\/webhooks\/x"/);
  // {"4000001":"<name>","4000002":"<name>"}: one entry per X account, each naming its own secret.
  const accountMap = JSON.stringify(outputs.XAccountSecretNames?.Value);
  for (const id of xAccountIds) {
    expect(accountMap).toContain(`\\"${id}\\":\\"`); // `XAccountSecretNames: ${id}`
    expect(accountMap).toContain(refOf(stack.xAccounts.secrets.get(id) as IConstruct)); // `secret of ${id}`
  }
  expect(outputs.DashboardName?.Value).toStrictEqual({ Ref: logicalId(stack.dashboard.dashboard) });
  expect(resource(stack.dashboard.dashboard).Properties.DashboardName).toStrictEqual({
    'Fn::Join': ['', ['CareTest-', { Ref: 'AWS::Region' }]],
  });
});

test('triage pages on-call, links pages to the case in the console by default, and may enqueue outbox entries', () => {
  const vars = environmentOf(stack.triage.function);
  expect(vars.ONCALL_TOPIC_ARN).toStrictEqual({ Ref: logicalId(stack.oncall.topic) });
  expect(vars.OUTBOX_QUEUE_URL).toStrictEqual({ Ref: logicalId(stack.outbox.queue) });
  expect(vars.DEAD_LETTER_QUEUE_URL).toStrictEqual({ Ref: logicalId(stack.ingest.deadLetterQueue) });
  expect(vars.CASE_LINK_BASE).toStrictEqual({
    'Fn::Join': [
      '',
      ['https://', { 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] }, '/#/cases/'],
    ],
  });
  expect(resourcesFor(stack.triage.role, 'sqs:SendMessage')).toStrictEqual(
    [stack.ingest.deadLetterQueue, stack.outbox.queue].map(arnOf).sort(),
  );
  // Published to the on-call topic only, and its key used with exactly the two actions SNS needs.
  // The agent API publishes only resolve notices (a case answered or resolved), to the same topic.
  for (const construct of [stack.triage, stack.slaMonitor, stack.agentApi]) {
    expect(resourcesFor(construct.role, 'sns:Publish')).toStrictEqual([refOf(stack.oncall.topic)]);
    expect(
      statementsOf(construct.role).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:'))),
    ).toStrictEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: JSON.parse(arnOf(stack.oncall.key)),
      },
    ]);
  }
  for (const construct of [stack.xWebhook, stack.sender, stack.pageForwarder, stack.pageAck.handler]) {
    expect(actionsOn(construct.role, 'sns:')).toStrictEqual([]);
  }
});

test('the SLA monitor runs every minute from EventBridge, in under a minute, without retries', () => {
  template.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'rate(1 minute)',
    State: 'ENABLED',
    Targets: [
      Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(stack.slaMonitor.function), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 },
      }),
    ],
  });
  template.hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    FunctionName: { 'Fn::GetAtt': [logicalId(stack.slaMonitor.function), 'Arn'] },
    Principal: 'events.amazonaws.com',
    SourceArn: { 'Fn::GetAtt': [logicalId(stack.slaSchedule.rule), 'Arn'] },
  });
  const monitor = resource(stack.slaMonitor.function).Properties;
  expect(monitor.Timeout).toBe(50);
  // Overlapping runs are safe (conditional updates), so no reserved concurrency.
  expect(monitor.ReservedConcurrentExecutions).toBeUndefined();
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: logicalId(stack.slaMonitor.function) },
    MaximumRetryAttempts: 0,
  });
  const vars = environmentOf(stack.slaMonitor.function);
  expect(Object.keys(vars).sort()).toStrictEqual([
    'CASE_LINK_BASE',
    'NODE_OPTIONS',
    'ONCALL_TOPIC_ARN',
    // Its run also queues again outbox entries nobody sent.
    'OUTBOX_QUEUE_URL',
    'PAGE_ACK_KEY_SECRET_ARN',
    'PAGE_ACK_LINK_BASE',
    'POWERTOOLS_SERVICE_NAME',
    'TABLE_NAME',
  ]);
});

test('the on-call topic: own rotated key, TLS only, e-mail subscribers get the pages naming e-mail, SMS only critical ones naming SMS', () => {
  const topicRef = { Ref: logicalId(stack.oncall.topic) };
  template.hasResourceProperties('AWS::SNS::Topic', {
    KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.oncall.key), 'Arn'] },
  });
  expect(resource(stack.oncall.key).Properties.EnableKeyRotation).toStrictEqual(true);
  template.hasResourceProperties('AWS::SNS::TopicPolicy', {
    Topics: [topicRef],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    },
  });
  const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'))
    .map((r) => r.Properties as Json)
    .filter((p) => JSON.stringify(p.TopicArn) === JSON.stringify(topicRef));
  const byProtocol = (protocol: string) =>
    subscriptions
      .filter((p) => p.Protocol === protocol)
      .map(({ Endpoint, FilterPolicy }) => ({ Endpoint, FilterPolicy }));
  expect(byProtocol('email')).toStrictEqual(
    // A level's targets (the `targets` attribute); without escalation config every page names all.
    ONCALL_EMAILS.map((Endpoint) => ({ Endpoint, FilterPolicy: { targets: ['email'] } })),
  );
  expect(byProtocol('sms')).toStrictEqual(
    ONCALL_SMS.map((Endpoint) => ({ Endpoint, FilterPolicy: { severity: ['critical'], targets: ['sms'] } })),
  );
  expect(subscriptions.length).toBe(ONCALL_EMAILS.length + ONCALL_SMS.length + 1);
});

test('the page forwarder is subscribed to every page; what fails after two retries lands in a queue', () => {
  const failuresArn = { 'Fn::GetAtt': [logicalId(stack.pageDelivery.failures), 'Arn'] };
  template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'lambda',
    TopicArn: { Ref: logicalId(stack.oncall.topic) },
    Endpoint: { 'Fn::GetAtt': [logicalId(stack.pageForwarder.function), 'Arn'] },
    RedrivePolicy: { deadLetterTargetArn: failuresArn },
    FilterPolicy: Match.absent(),
  });
  template.hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    FunctionName: { 'Fn::GetAtt': [logicalId(stack.pageForwarder.function), 'Arn'] },
    Principal: 'sns.amazonaws.com',
    SourceArn: { Ref: logicalId(stack.oncall.topic) },
  });
  const forwarder = resource(stack.pageForwarder.function).Properties;
  expect(forwarder.DeadLetterConfig).toStrictEqual({ TargetArn: failuresArn });
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: logicalId(stack.pageForwarder.function) },
    MaximumRetryAttempts: 2,
  });
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [{ Ref: logicalId(stack.pageDelivery.failures) }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: logicalId(stack.oncall.topic) } } },
        }),
      ]),
    },
  });
  // The forwarder reads its targets secret and nothing else.
  expect(environmentOf(stack.pageForwarder.function).PAGE_TARGETS_SECRET_ARN).toStrictEqual({
    Ref: logicalId(stack.pageDelivery.targets),
  });
  expect(resourcesFor(stack.pageForwarder.role, 'secretsmanager:GetSecretValue')).toStrictEqual([
    refOf(stack.pageDelivery.targets),
  ]);
  const targets = resource(stack.pageDelivery.targets).Properties as {
    GenerateSecretString: { SecretStringTemplate: string };
  };
  expect(JSON.parse(targets.GenerateSecretString.SecretStringTemplate)).toStrictEqual({
    slackWebhookUrl: 'REPLACE_ME',
    pagerDutyRoutingKey: 'REPLACE_ME',
  });
  for (const [name, construct] of Object.entries(functions)) {
    if (name === 'pageForwarder') continue;
    expect(resourcesFor(construct.role, 'secretsmanager:GetSecretValue')).not.toContain(
      refOf(stack.pageDelivery.targets),
    );
  }
});

test('the outbox: redrive after 5 receives to its own DLQ, visibility 6x the sender timeout, batches of 5', () => {
  const queue = resource(stack.outbox.queue).Properties;
  expect(queue.RedrivePolicy).toStrictEqual({
    deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.outbox.deadLetterQueue), 'Arn'] },
    maxReceiveCount: 5,
  });
  expect(queue.VisibilityTimeout).toBe(6 * 30);
  expect(queue.SqsManagedSseEnabled).toBe(true);
  expect(resource(stack.sender.function).Properties.Timeout).toBe(30);
  const dlq = resource(stack.outbox.deadLetterQueue).Properties;
  expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  for (const q of [stack.outbox.queue, stack.outbox.deadLetterQueue, stack.pageDelivery.failures]) {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(q) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  }
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.outbox.queue), 'Arn'] },
    FunctionName: { Ref: logicalId(stack.sender.function) },
    BatchSize: 5,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
  });

  const vars = environmentOf(stack.sender.function);
  expect(vars.OUTBOX_QUEUE_URL).toStrictEqual({ Ref: logicalId(stack.outbox.queue) });
  expect(vars.DEAD_LETTER_QUEUE_URL).toStrictEqual({ Ref: logicalId(stack.outbox.deadLetterQueue) });
  expect(vars.TABLE_NAME).toStrictEqual({ Ref: logicalId(stack.table.table) });
  // A deferred entry goes back to the outbox queue as a new, delayed message (no receive spent); a
  // visibility change is the fallback when that send fails.
  expect(resourcesFor(stack.sender.role, 'sqs:ChangeMessageVisibility')).toStrictEqual([
    arnOf(stack.outbox.queue),
  ]);
  expect(resourcesFor(stack.sender.role, 'sqs:SendMessage')).toStrictEqual(
    [stack.outbox.queue, stack.outbox.deadLetterQueue].map(arnOf).sort(),
  );
  // The SLA monitor's run also queues again outbox entries nobody sent.
  expect(environmentOf(stack.slaMonitor.function).OUTBOX_QUEUE_URL).toStrictEqual({
    Ref: logicalId(stack.outbox.queue),
  });
  expect(resourcesFor(stack.slaMonitor.role, 'sqs:SendMessage')).toStrictEqual([arnOf(stack.outbox.queue)]);
});

test('one secret per configured X account; the sender reads exactly those, nothing else does', () => {
  expect([...stack.xAccounts.secrets.keys()].sort()).toStrictEqual(xAccountIds);
  const accountRefs = [...stack.xAccounts.secrets.values()].map(refOf).sort();
  for (const secret of stack.xAccounts.secrets.values()) {
    const props = resource(secret).Properties as {
      Description: string;
      GenerateSecretString: { SecretStringTemplate: string };
    };
    expect(JSON.parse(props.GenerateSecretString.SecretStringTemplate)).toStrictEqual({
      apiKey: 'REPLACE_ME',
      apiSecret: 'REPLACE_ME',
      accessToken: 'REPLACE_ME',
      accessTokenSecret: 'REPLACE_ME',
    });
  }
  expect(
    (resource(stack.xAccounts.secrets.get('4000002') as IConstruct).Properties as { Description: string })
      .Description,
  ).toMatch(/@DemoAirFares \(bot account 4000002 of brand demoair\)/);
  // Exactly the account secrets (X accounts, Facebook pages) and the Meta app secret for appsecret_proof:
  // not the X app's consumer secret, not the page targets.
  const metaRefs = [stack.channels.metaSecret, ...stack.channels.pageTokens.values()].map((s) =>
    JSON.stringify({ Ref: logicalId(s) }),
  );
  expect(resourcesFor(stack.sender.role, 'secretsmanager:GetSecretValue')).toStrictEqual(
    [...accountRefs, ...metaRefs].sort(),
  );
  const map = environmentOf(stack.sender.function).X_ACCOUNT_SECRET_ARNS as {
    'Fn::Join': [string, unknown[]];
  };
  const [, parts] = map['Fn::Join'];
  expect(parts).toStrictEqual([
    '{"4000001":"',
    { Ref: logicalId(stack.xAccounts.secrets.get('4000001') as IConstruct) },
    '","4000002":"',
    { Ref: logicalId(stack.xAccounts.secrets.get('4000002') as IConstruct) },
    '"}',
  ]);
  for (const [name, construct] of Object.entries(functions)) {
    if (name === 'sender') continue;
    const reads = resourcesFor(construct.role, 'secretsmanager:GetSecretValue');
    expect(reads.filter((r) => accountRefs.includes(r))).toStrictEqual([]); // `${name} must not read the X account secrets`
  }
});

/** The dashboard's body with every token (region) replaced, parsed. */
function dashboardBody(): { widgets: Array<{ type: string; properties: Json }> } {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return JSON.parse(body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
}

test("the dashboard shows each brand's care metrics, the queues, the dead letters and every function", () => {
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  const { widgets } = dashboardBody();
  const metrics = widgets
    .filter((w) => w.type === 'metric')
    .flatMap((w) => (w.properties.metrics as unknown[][]) ?? []);
  const care = metrics.filter((m) => m[0] === 'socialcare').map((m) => `${m[1]} ${m.slice(2, 6).join(' ')}`);
  for (const name of [
    'InteractionsAccepted',
    'CasesOpened',
    'MessagesRecorded',
    'DuplicatesSkipped',
    'RepliesSent',
    'FirstResponseSeconds',
    'DeadlineWarnings',
    'DeadlineBreaches',
    'Pages',
  ]) {
    expect(care).toContain(`${name} brand demoair service socialcare`);
  }
  const sqsMetrics = metrics.filter((m) => m[0] === 'AWS/SQS').map((m) => `${m[1]} ${JSON.stringify(m[3])}`);
  expect(sqsMetrics.filter((m) => m.startsWith('ApproximateNumberOfMessagesVisible')).length).toBe(5);
  expect(sqsMetrics.filter((m) => m.startsWith('ApproximateAgeOfOldestMessage')).length).toBe(2);
  const lambdaMetrics = metrics.filter((m) => m[0] === 'AWS/Lambda').map((m) => m[1]);
  expect(lambdaMetrics.filter((m) => m === 'Errors').length).toBe(Object.keys(functions).length);
  expect(lambdaMetrics.filter((m) => m === 'Duration').length).toBe(Object.keys(functions).length);
  expect(widgets.some((w) => w.type === 'alarm')).toBeTruthy();
});

test('the dashboard and alarms use the dimension set the functions emit (Powertools adds service)', () => {
  const written: string[] = [];
  const write = process.stdout.write;
  // npm test turns metrics off (POWERTOOLS_METRICS_DISABLED); here they must be written, to stdout.
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const metrics = new EmbeddedMetrics();
    metrics.record('DeadlineBreaches', 'demoair');
    metrics.flush();
  } finally {
    process.stdout.write = write;
    if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  }
  const emf = JSON.parse(written.join('').trim()) as {
    _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> };
  } & Record<string, unknown>;
  const [directive] = emf._aws.CloudWatchMetrics;
  expect(directive?.Namespace).toBe('socialcare');
  const emitted = Object.fromEntries((directive?.Dimensions[0] ?? []).map((d) => [d, emf[d]]));
  expect(emitted).toStrictEqual(careMetricDimensions('demoair'));
});

test('alarms: breaches per brand, outbox dead letters, sender and monitor errors, monitor not running, forwarding failures', () => {
  const topicRef = { Ref: logicalId(stack.operations.topic) };
  const expected: Json[] = [
    {
      AlarmName: 'CareTest-demoair-deadline-breaches',
      Namespace: 'socialcare',
      MetricName: 'DeadlineBreaches',
      Dimensions: Match.arrayEquals([
        { Name: 'brand', Value: 'demoair' },
        { Name: 'service', Value: 'socialcare' },
      ]),
      Statistic: 'Sum',
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    },
    {
      AlarmName: 'CareTest-outbox-dead-letters',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(stack.outbox.deadLetterQueue), 'QueueName'] },
        },
      ],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    },
    {
      AlarmName: 'CareTest-sender-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.sender.function) } }],
      Statistic: 'Sum',
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    },
    {
      AlarmName: 'CareTest-sla-monitor-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.slaMonitor.function) } }],
      Statistic: 'Sum',
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    },
    {
      AlarmName: 'CareTest-sla-monitor-not-running',
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.slaMonitor.function) } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    },
    {
      AlarmName: 'CareTest-page-forwarding-failures',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.pageDelivery.failures), 'QueueName'] } },
      ],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    },
  ];
  for (const alarm of expected) {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarm,
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
  }
  // The ingest DLQ alarm (shared dead letters) is still there, beside the outbox one.
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.ingest.deadLetterQueue), 'QueueName'] } },
    ],
    AlarmActions: [topicRef],
  });
});

test('settings: case link, subscribers and SMS severities from context; every bad one named at once', () => {
  const fromContext = readCareSettings(
    new App({
      context: {
        caseLinkBase: 'https://console.example.com/cases/',
        oncallEmails: ' a@example.com , b@example.com',
        oncallSms: '+31612345678',
        oncallSmsSeverities: 'warning,critical',
      },
    }),
    {},
  );
  expect(fromContext).toStrictEqual({
    caseLinkBase: 'https://console.example.com/cases/',
    emails: ['a@example.com', 'b@example.com'],
    smsNumbers: ['+31612345678'],
    smsSeverities: ['warning', 'critical'],
    sentiment: 'comprehend',
  });
  // Props win over context; no subscribers and critical-only SMS by default.
  expect(
    readCareSettings(new App({ context: { oncallEmails: 'a@example.com' } }), { oncallEmails: [] }),
  ).toStrictEqual({
    emails: [],
    smsNumbers: [],
    smsSeverities: ['critical'],
    sentiment: 'comprehend',
  });

  const bad = new App({
    context: {
      config: DEMO_CONFIG_PATH,
      caseLinkBase: 'http://console.example.com/cases/',
      oncallEmails: 'oncall-at-example.com',
      oncallSms: '0612345678,+31 6 1234 5678',
      oncallSmsSeverities: 'urgent',
    },
  });
  expect(() => new CareStack(bad, 'BadSettings')).toThrow(
    expect.objectContaining({
      name: 'CareSettingsError',
      problems: [
        'caseLinkBase must be an https URL to which a case id is appended, not "http://console.example.com/cases/"',
        'oncallEmails: "oncall-at-example.com" is not an e-mail address',
        'oncallSms: "0612345678" is not an E.164 phone number (+, country code, number; no spaces)',
        'oncallSms: "+31 6 1234 5678" is not an E.164 phone number (+, country code, number; no spaces)',
        'oncallSmsSeverities: "urgent" is not one of "warning", "critical"',
      ],
    }),
  );
  expect(bad.node.findAll().filter(CfnResource.isCfnResource)).toStrictEqual([]);
});

test('cdk-nag AwsSolutions: no unacknowledged finding, and only the reviewed acknowledgements', () => {
  const report = new AwsSolutionsChecks().validateScope(stack);
  const describe = (severity: string) =>
    report.violations
      .filter((v) => v.severity === severity)
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
  expect(describe('error')).toStrictEqual([]);
  expect(describe('warning')).toStrictEqual([]);

  const acknowledged = stack.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([id, reason]) => {
          expect(reason.length).toBeGreaterThan(60); // `${c.node.path} ${id}: reason too thin`
          return `${c.node.path.replace(/^CareTest\//, '')} ${id.replace(/^annotation::/i, '')}`;
        }),
    )
    .sort();
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))!.node
    .id;
  const bucketId = logicalId(stack.console.bucket);
  const exportBucketId = logicalId(stack.exports.bucket);
  expect(acknowledged).toStrictEqual([
    `${handler} AwsSolutions-L1`,
    'agent-api/function AwsSolutions-L1',
    'agent-api/function/pii-policy AwsSolutions-IAM5[Resource::*]',
    'agent-api/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'api/http-api/GET--pages--ack AwsSolutions-APIG4',
    'api/http-api/GET--webhooks--meta AwsSolutions-APIG4',
    'api/http-api/GET--webhooks--x AwsSolutions-APIG4',
    'api/http-api/POST--pages--ack AwsSolutions-APIG4',
    'api/http-api/POST--webhooks--generic AwsSolutions-APIG4',
    'api/http-api/POST--webhooks--meta AwsSolutions-APIG4',
    'api/http-api/POST--webhooks--pagerduty AwsSolutions-APIG4',
    'api/http-api/POST--webhooks--slack--actions AwsSolutions-APIG4',
    'api/http-api/POST--webhooks--x AwsSolutions-APIG4',
    'channels/generic-sources AwsSolutions-SMG4',
    'channels/generic-webhook/function AwsSolutions-L1',
    'channels/generic-webhook/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'channels/meta AwsSolutions-SMG4',
    'channels/meta-webhook/function AwsSolutions-L1',
    'channels/meta-webhook/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'channels/page-token-5000001 AwsSolutions-SMG4',
    'console/bucket AwsSolutions-S1',
    'console/deploy-role/DefaultPolicy AwsSolutions-IAM5[Action::s3:Abort*]',
    'console/deploy-role/DefaultPolicy AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'console/deploy-role/DefaultPolicy AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'console/deploy-role/DefaultPolicy AwsSolutions-IAM5[Action::s3:GetObject*]',
    'console/deploy-role/DefaultPolicy AwsSolutions-IAM5[Action::s3:List*]',
    `console/deploy-role/DefaultPolicy AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
    'console/deploy-role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
    'console/distribution AwsSolutions-CFR1',
    'console/distribution AwsSolutions-CFR2',
    'console/distribution AwsSolutions-CFR3',
    'console/distribution AwsSolutions-CFR4',
    `exports/agent-api-exporter AwsSolutions-IAM5[Resource::<${exportBucketId}.Arn>/exports/*]`,
    'exports/bucket AwsSolutions-S1',
    'page-ack/function/function AwsSolutions-L1',
    'page-ack/function/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'page-ack/link-key AwsSolutions-SMG4',
    'page-ack/secrets AwsSolutions-SMG4',
    'page-delivery/targets AwsSolutions-SMG4',
    'page-forwarder/function AwsSolutions-L1',
    'page-forwarder/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'secrets/x AwsSolutions-SMG4',
    'sender/function AwsSolutions-L1',
    'sender/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'sla-monitor/function AwsSolutions-L1',
    'sla-monitor/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'triage/function AwsSolutions-L1',
    'triage/function/pii-policy AwsSolutions-IAM5[Resource::*]',
    'triage/function/sentiment-policy AwsSolutions-IAM5[Resource::*]',
    'triage/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'x-accounts/4000001 AwsSolutions-SMG4',
    'x-accounts/4000002 AwsSolutions-SMG4',
    'x-admin/app AwsSolutions-SMG4',
    'x-admin/oauth-4000001 AwsSolutions-SMG4',
    'x-admin/oauth-4000002 AwsSolutions-SMG4',
    'x-webhook-admin/function AwsSolutions-L1',
    'x-webhook-admin/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'x-webhook/function AwsSolutions-L1',
    'x-webhook/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
  ]);
  expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toStrictEqual([]);
});

test('a bad brand config fails before any resource exists, naming each bad field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socialcare-cdk-'));
  try {
    const path = join(dir, 'bad-brand.json');
    writeFileSync(path, JSON.stringify({ brands: [{ id: 'Demo Air', name: 'DemoAir', accounts: [] }] }));
    const badApp = new App({ context: { config: path } });
    expect(() => new CareStack(badApp, 'Bad')).toThrow(
      expect.objectContaining({
        name: 'BrandConfigError',
        message: expect.stringMatching(/brands\[0\]\.id: expected a short lowercase id/),
      }),
    );
    expect(() => new CareStack(new App({ context: { config: path } }), 'Bad')).toThrow(
      /brands\[0\]\.accounts: a brand needs at least one account/,
    );
    expect(badApp.node.findAll().filter(CfnResource.isCfnResource)).toStrictEqual([]);

    const missing = join(dir, 'missing.json');
    expect(() => new CareStack(new App(), 'Missing', { brandConfigPath: missing })).toThrow(
      expect.objectContaining({
        name: 'BrandConfigError',
        message: expect.stringMatching(
          new RegExp(`cannot read brand config ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
        ),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Meta and generic webhooks: open routes checked by HMAC in the function, no table access, their own secrets', () => {
  for (const construct of [stack.channels.metaWebhook, stack.channels.genericWebhook]) {
    expect(actionsOn(construct.role, 'dynamodb:')).toStrictEqual([]);
    const env = environmentOf(construct.function);
    expect(env.INGEST_QUEUE_URL && env.DEAD_LETTER_QUEUE_URL).toBeTruthy();
  }
  expect(environmentOf(stack.channels.metaWebhook.function).META_SECRET_ARN).toStrictEqual({
    Ref: logicalId(stack.channels.metaSecret),
  });
  expect(environmentOf(stack.channels.genericWebhook.function).GENERIC_SECRETS_ARN).toStrictEqual({
    Ref: logicalId(stack.channels.genericSecrets),
  });
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (r) => r.Properties as { RouteKey: string; AuthorizationType?: string },
  );
  for (const key of ['GET /webhooks/meta', 'POST /webhooks/meta', 'POST /webhooks/generic']) {
    const route = routes.find((r) => r.RouteKey === key);
    expect(route).toBeDefined();
    expect([undefined, 'NONE']).toContain(route?.AuthorizationType);
  }
  // The sender knows each Facebook page's token secret.
  expect(environmentOf(stack.sender.function).META_ACCOUNT_SECRET_ARNS).toBeTruthy();
  // Triage reads Instagram mentions with the Instagram accounts' tokens only: the demo has none, so no
  // page token at all, only the app secret for appsecret_proof.
  expect(resourcesFor(stack.triage.role, 'secretsmanager:GetSecretValue').sort()).toStrictEqual(
    [
      JSON.stringify({ Ref: logicalId(stack.channels.metaSecret) }),
      // The key that signs the acknowledgement links in its pages.
      JSON.stringify({ Ref: logicalId(stack.pageAck.linkKey) }),
    ].sort(),
  );
  expect(environmentOf(stack.triage.function).META_ACCOUNT_SECRET_ARNS).toBe('{}');
});

test('the X webhook admin: health check every 5 minutes without retries, setup on demand, its own secrets', () => {
  const fn = stack.xAdmin.function;
  const props = resource(fn).Properties as { Timeout: number };
  expect(props.Timeout).toBeLessThan(300);
  template.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'rate(5 minutes)',
    Targets: [
      Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(fn), 'Arn'] },
        Input: JSON.stringify({ action: 'health' }),
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 },
      }),
    ],
  });
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: logicalId(fn) },
    MaximumRetryAttempts: 0,
  });
  const env = environmentOf(fn);
  expect(env.X_API_BASE_URL).toBe('https://api.x.com');
  expect(env.X_APP_SECRET_ARN && JSON.stringify(env.X_APP_SECRET_ARN)).toBe(
    refOf(stack.xWebhookAdmin.appSecret),
  );
  expect(JSON.stringify(env.X_WEBHOOK_URL)).toContain('/webhooks/x');
  for (const name of ['TABLE_NAME', 'ONCALL_TOPIC_ARN', 'X_OAUTH_TOKEN_SECRET_ARNS'])
    expect({ [name]: env[name] }).toEqual({ [name]: expect.anything() });

  // One grant secret per X account, with the fields the vault reads; the app secret with the OAuth 2.0 client.
  expect([...stack.xWebhookAdmin.tokenSecrets.keys()].sort()).toEqual(xAccountIds);
  const template_ = (s: IConstruct) =>
    JSON.parse(
      (resource(s).Properties as { GenerateSecretString: { SecretStringTemplate: string } })
        .GenerateSecretString.SecretStringTemplate,
    );
  expect(Object.keys(template_(stack.xWebhookAdmin.appSecret))).toEqual([
    'bearerToken',
    'clientId',
    'clientSecret',
  ]);
  for (const secret of stack.xWebhookAdmin.tokenSecrets.values())
    expect(Object.keys(template_(secret))).toEqual(['accessToken', 'refreshToken', 'expiresAt']);

  // Least privilege: it reads the app secret and the grants, writes only the grants (X rotates the refresh
  // token), and touches no other secret; nobody else reads or writes the grants.
  const grantRefs = [...stack.xWebhookAdmin.tokenSecrets.values()].map(refOf).sort();
  expect(resourcesFor(stack.xAdmin.role, 'secretsmanager:GetSecretValue')).toEqual(
    [refOf(stack.xWebhookAdmin.appSecret), ...grantRefs].sort(),
  );
  expect(resourcesFor(stack.xAdmin.role, 'secretsmanager:PutSecretValue')).toEqual(grantRefs);
  expect(
    actionsOn(stack.xAdmin.role, 'secretsmanager:').filter(
      (a) =>
        ![
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
        ].includes(a),
    ),
  ).toEqual([]);
  expect(actionsOn(stack.xAdmin.role, 'sns:')).toEqual(['sns:Publish']);
  expect(actionsOn(stack.xAdmin.role, 'sqs:')).toEqual([]);
  for (const [name, construct] of Object.entries(functions)) {
    if (name === 'xWebhookAdmin') continue;
    // Each function by name, so a failure says which one touches the X OAuth 2.0 secrets.
    for (const action of ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'])
      expect({
        [name]: resourcesFor(construct.role, action).filter(
          (r) => grantRefs.includes(r) || r === refOf(stack.xWebhookAdmin.appSecret),
        ),
      }).toEqual({ [name]: [] });
  }
  // Its failures reach the operations topic; the outputs name what the operator invokes and fills in.
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'CareTest-x-webhook-admin-errors',
    AlarmActions: [{ Ref: logicalId(stack.operations.topic) }],
  });
  const outputs = template.toJSON().Outputs as Record<string, { Description?: string }>;
  expect(outputs.XWebhookAdminFunctionName?.Description ?? '').toMatch(/"action":"setup"/);
  expect(outputs.XAppSecretName).toBeDefined();
  expect(outputs.XOAuthTokenSecretNames).toBeDefined();
});

test('exports go to a private, encrypted, TLS-only bucket that forgets them after a day; only the agent API writes and signs links, under exports/', () => {
  template.hasResourceProperties('AWS::S3::Bucket', {
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    },
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    LifecycleConfiguration: {
      Rules: [
        {
          ExpirationInDays: 1,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        },
      ],
    },
  });
  const bucket = logicalId(stack.exports.bucket);
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: bucket },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/exports/*']] },
        },
      ],
    },
    Roles: [{ Ref: logicalId(stack.agentApi.function.role!) }],
  });
  const fn = template.findResources('AWS::Lambda::Function')[logicalId(stack.agentApi.function)]!;
  expect(fn.Properties.Environment.Variables.EXPORT_BUCKET).toStrictEqual({ Ref: bucket });
  // An export runs inside the HTTP API's 30-second integration timeout.
  expect(fn.Properties.Timeout).toBe(29);
  expect(AGENT_ROUTE_KEYS).toContain('GET /api/exports/{kind}');
});

test('page acknowledgements: open routes checked in the function, its own secrets, publishers sign links with a generated key', () => {
  const fn = stack.pageAck.handler;
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (r) => r.Properties as { RouteKey: string; AuthorizationType?: string; Target: unknown },
  );
  const integrationOf = (key: string) => routes.find((r) => r.RouteKey === key);
  const keys = [
    'GET /pages/ack',
    'POST /pages/ack',
    'POST /webhooks/slack/actions',
    'POST /webhooks/pagerduty',
  ];
  for (const key of keys) {
    const route = integrationOf(key);
    expect({ key, found: Boolean(route) }).toStrictEqual({ key, found: true });
    expect([undefined, 'NONE']).toContain(route?.AuthorizationType);
  }
  // One integration, the page-ack function, answers the four.
  expect(new Set(keys.map((k) => JSON.stringify(integrationOf(k)?.Target))).size).toBe(1);
  // Each route is throttled as a webhook.
  const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
  const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number }>;
  for (const key of keys) expect(settings[key]?.ThrottlingRateLimit).toBe(50);

  const env = environmentOf(fn.function);
  expect(env.PAGE_ACK_SECRETS_ARN).toStrictEqual({ Ref: logicalId(stack.pageAck.secrets) });
  expect(env.PAGE_ACK_KEY_SECRET_ARN).toStrictEqual({ Ref: logicalId(stack.pageAck.linkKey) });
  expect(resourcesFor(fn.role, 'secretsmanager:GetSecretValue').sort()).toStrictEqual(
    [
      JSON.stringify({ Ref: logicalId(stack.pageAck.secrets) }),
      JSON.stringify({ Ref: logicalId(stack.pageAck.linkKey) }),
    ].sort(),
  );
  // Pages and the audit trail by key: no index, nothing else.
  expect(actionsOn(fn.role, 'dynamodb:Query').length).toBeGreaterThan(0);
  expect(JSON.stringify(statementsOf(fn.role))).not.toContain('/index/');
  expect(actionsOn(fn.role, 'sns:')).toStrictEqual([]);
  // The Slack and PagerDuty secrets are placeholders; the link key is generated, never a literal.
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: Match.objectLike({
      GenerateStringKey: 'ackLinkKey',
      PasswordLength: 48,
      SecretStringTemplate: '{}',
    }),
  });
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: Match.objectLike({
      SecretStringTemplate: JSON.stringify({
        slackSigningSecret: 'REPLACE_ME',
        pagerDutyWebhookSecret: 'REPLACE_ME',
      }),
    }),
  });
  // The publishers that raise case pages sign links; only they and the page-ack function read the key.
  for (const publisher of [stack.triage, stack.slaMonitor]) {
    const vars = environmentOf(publisher.function);
    expect(vars.PAGE_ACK_KEY_SECRET_ARN).toStrictEqual({ Ref: logicalId(stack.pageAck.linkKey) });
    expect(JSON.stringify(vars.PAGE_ACK_LINK_BASE)).toContain(logicalId(stack.api.httpApi));
  }
  // The agent API publishes resolve notices to the on-call topic when a case is answered or resolved.
  expect(environmentOf(stack.agentApi.function).ONCALL_TOPIC_ARN).toStrictEqual({
    Ref: logicalId(stack.oncall.topic),
  });
  expect(actionsOn(stack.agentApi.role, 'sns:Publish')).toStrictEqual(['sns:Publish']);
});
