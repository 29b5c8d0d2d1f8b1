import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { App, type CfnElement, CfnResource, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS } from '../../functions/adapters/aws/table-design';
import { AGENT_API_ROUTES } from '../../functions/agent-api/routes';
import { DEMO_CONFIG_PATH } from '../../functions/commons/brand-config-file';
import { EmbeddedMetrics } from '../../functions/commons/metrics';
import { readCareSettings } from '../../lib/care-settings';
import { CareStack } from '../../lib/care-stack';
import { careMetricDimensions } from '../../lib/constructs/care-dashboard';

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
  assert.equal(all.length, Object.keys(functions).length);
  for (const fn of all) {
    assert.equal(fn.Properties.Runtime, 'nodejs22.x');
    assert.deepEqual(fn.Properties.Architectures, ['arm64']);
  }
  const logGroups = template.toJSON().Resources;
  for (const [name, construct] of Object.entries(functions)) {
    const props = resource(construct.function).Properties as Json & { Environment: { Variables: Json } };
    assert.deepEqual(props.TracingConfig, { Mode: 'Active' }, name);
    assert.equal(props.MemorySize, name === 'pageForwarder' ? 256 : 512, name);
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
  for (const [name, construct] of Object.entries(brandFunctions)) {
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

test('table access: triage, sender, SLA monitor and agent API read and write items, no Scan or DeleteItem', () => {
  for (const construct of [stack.triage, stack.sender, stack.slaMonitor, stack.agentApi, stack.xAdmin]) {
    // TransactWriteItems (updateCase) is authorized item by item by Put, Update and ConditionCheck.
    assert.deepEqual(
      actionsOn(construct.role, 'dynamodb:'),
      [
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      construct.node.id,
    );
  }
  // The SLA monitor reads due cases from the deadline index.
  assert.ok(
    resourcesFor(stack.slaMonitor.role, 'dynamodb:Query').some((r) => r.includes('/index/deadline-index')),
  );
  assert.deepEqual(actionsOn(stack.pageForwarder.role, 'dynamodb:'), []);
  const tableRef = { Ref: logicalId(stack.table.table) };
  for (const construct of [stack.triage, stack.agentApi, stack.sender, stack.slaMonitor]) {
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
  assert.deepEqual(
    resourcesFor(stack.xWebhook.role, 'sqs:SendMessage'),
    [stack.ingest.queue, stack.ingest.deadLetterQueue].map(arnOf).sort(),
  );
  // Nor may it send anything: no account credentials, no outbox, no pages.
  assert.deepEqual(resourcesFor(stack.xWebhook.role, 'secretsmanager:GetSecretValue'), [
    refOf(stack.secrets.x),
  ]);
  assert.equal(vars.X_ACCOUNT_SECRET_ARNS, undefined);
  assert.deepEqual(actionsOn(stack.xWebhook.role, 'sns:'), []);
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

test('triage may call Comprehend for sentiment and PII, the agent API for PII, each in a policy of its own', () => {
  const comprehend = (role: IConstruct) =>
    statementsOf(role)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('comprehend:')))
      .map((s) => JSON.stringify({ Effect: s.Effect, Action: s.Action, Resource: s.Resource }))
      .sort();
  assert.deepEqual(comprehend(stack.triage.role), [
    JSON.stringify({ Effect: 'Allow', Action: 'comprehend:BatchDetectSentiment', Resource: '*' }),
    JSON.stringify({ Effect: 'Allow', Action: 'comprehend:DetectPiiEntities', Resource: '*' }),
  ]);
  assert.deepEqual(comprehend(stack.agentApi.role), [
    JSON.stringify({ Effect: 'Allow', Action: 'comprehend:DetectPiiEntities', Resource: '*' }),
  ]);
  for (const construct of [stack.xWebhook, stack.sender, stack.slaMonitor])
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

const AGENT_ROUTE_KEYS = [
  'DELETE /api/agents/{agentId}',
  'DELETE /api/customers/{brandId}/{platform}/{customerId}/abuse',
  'GET /api/accounts',
  'GET /api/agents',
  'GET /api/audit',
  'GET /api/brands',
  'GET /api/cases',
  'GET /api/cases/{caseId}',
  'GET /api/me',
  'GET /api/pages',
  'GET /api/reports',
  'POST /api/accounts/{platform}/{accountId}/reauthorized',
  'POST /api/agents',
  'POST /api/cases/{caseId}/assign',
  'POST /api/cases/{caseId}/claim',
  'POST /api/cases/{caseId}/notes',
  'POST /api/cases/{caseId}/presence',
  'POST /api/cases/{caseId}/reply',
  'POST /api/cases/{caseId}/resolve',
  'POST /api/customers/{brandId}/{platform}/{customerId}/links',
  'PUT /api/cases/{caseId}/tags',
  'PUT /api/customers/{brandId}/{platform}/{customerId}/abuse',
  'PUT /api/customers/{brandId}/{platform}/{customerId}/crm',
].sort();

test('every agent API route needs a Cognito JWT; the X webhook routes are open (HMAC-checked in the function)', () => {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  const byKey = new Map(routes.map((r) => [r.RouteKey as string, r]));
  assert.deepEqual(
    [...byKey.keys()].filter((k) => k.includes(' /api/')).sort(),
    AGENT_ROUTE_KEYS,
    'the routes of functions/agent-api/agent-api.ts, each once',
  );
  assert.ok(byKey.has('GET /webhooks/x') && byKey.has('POST /webhooks/x'));
  const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
  for (const key of AGENT_ROUTE_KEYS) {
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
  // Who read or changed which case: the caller's Cognito sub (the agent registry's id) and the path.
  const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
  const format = JSON.parse(
    (stage.Properties as { AccessLogSettings: { Format: string } }).AccessLogSettings.Format,
  ) as Record<string, string>;
  assert.equal(format.caller, '$context.authorizer.claims.sub');
  assert.equal(format.path, '$context.path');
  assert.equal(format.routeKey, '$context.routeKey');
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
  for (const route of AGENT_API_ROUTES) {
    for (const verb of route.verbs) assert.ok(deployed.has(`${verb} ${route.path}`), `${verb} ${route.path}`);
  }
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
  assert.equal(behavior.ViewerProtocolPolicy, 'redirect-to-https');
  assert.deepEqual(behavior.AllowedMethods, ['GET', 'HEAD']);
  assert.deepEqual(behavior.ResponseHeadersPolicyId, { Ref: logicalId(stack.console.responseHeaders) });
  assert.equal(distribution.DefaultRootObject, 'index.html');
  const [origin] = distribution.Origins as Json[];
  assert.ok(origin?.OriginAccessControlId, 'the S3 origin signs with origin access control');
  assert.deepEqual((origin?.S3OriginConfig as Json | undefined)?.OriginAccessIdentity, '', 'no legacy OAI');
  assert.deepEqual(
    (distribution.CustomErrorResponses as Json[]).map((r) => [
      r.ErrorCode,
      r.ResponseCode,
      r.ResponsePagePath,
    ]),
    [
      [403, 200, '/index.html'],
      [404, 200, '/index.html'],
    ],
  );
  const headers = resource(stack.console.responseHeaders).Properties.ResponseHeadersPolicyConfig as {
    SecurityHeadersConfig: Record<string, Json>;
  };
  const security = headers.SecurityHeadersConfig;
  assert.equal(security.FrameOptions?.FrameOption, 'DENY');
  assert.equal(security.ContentTypeOptions?.Override, true);
  assert.equal(security.StrictTransportSecurity?.AccessControlMaxAgeSec, 31_536_000);
  const csp = JSON.stringify(security.ContentSecurityPolicy?.ContentSecurityPolicy);
  assert.match(csp, /default-src 'self'; script-src 'self'/);
  assert.match(csp, /connect-src 'self' https:\/\/\*\.execute-api\./);
  assert.match(csp, /\.auth\./, 'the Hosted UI token endpoint');
});

test('the console is uploaded with a config.json naming the API, the user pool client and the Hosted UI', () => {
  const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')).map(
    (r) => r.Properties as Json,
  );
  const bucket = { Ref: logicalId(stack.console.bucket) };
  assert.equal(deployments.length, 2);
  for (const d of deployments) assert.deepEqual(d.DestinationBucketName, bucket);
  const assets = deployments.find((d) => d.DestinationBucketKeyPrefix === 'assets/');
  assert.deepEqual(assets?.SystemMetadata, { 'cache-control': 'public, max-age=31536000, immutable' });
  const entry = deployments.find((d) => d.DestinationBucketKeyPrefix === undefined);
  assert.deepEqual(entry?.SystemMetadata, { 'cache-control': 'no-cache' });
  const markers = JSON.stringify(entry?.SourceMarkers);
  for (const value of [
    { Ref: logicalId(stack.api.httpApi) },
    { Ref: logicalId(stack.agents.consoleClient) },
    { 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] },
  ]) {
    assert.ok(markers.includes(JSON.stringify(value)), `config.json carries ${JSON.stringify(value)}`);
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
  assert.deepEqual(outputs.ConsoleUrl?.Value, consoleUrl);
});

test('the agent API may enqueue replies on the outbox, and nothing else there', () => {
  assert.deepEqual(environmentOf(stack.agentApi.function).OUTBOX_QUEUE_URL, {
    Ref: logicalId(stack.outbox.queue),
  });
  assert.deepEqual(resourcesFor(stack.agentApi.role, 'sqs:SendMessage'), [arnOf(stack.outbox.queue)]);
  assert.deepEqual(
    actionsOn(stack.agentApi.role, 'sqs:').filter((a) => a.startsWith('sqs:Receive')),
    [],
  );
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
    assert.ok(outputs[name]?.Value, `output ${name}`);
  }
  assert.match(JSON.stringify(outputs.XWebhookUrl?.Value), /\/webhooks\/x"/);
  // {"4000001":"<name>","4000002":"<name>"}: one entry per X account, each naming its own secret.
  const accountMap = JSON.stringify(outputs.XAccountSecretNames?.Value);
  for (const id of xAccountIds) {
    assert.ok(accountMap.includes(`\\"${id}\\":\\"`), `XAccountSecretNames: ${id}`);
    assert.ok(accountMap.includes(refOf(stack.xAccounts.secrets.get(id) as IConstruct)), `secret of ${id}`);
  }
  assert.deepEqual(outputs.DashboardName?.Value, { Ref: logicalId(stack.dashboard.dashboard) });
  assert.deepEqual(resource(stack.dashboard.dashboard).Properties.DashboardName, {
    'Fn::Join': ['', ['CareTest-', { Ref: 'AWS::Region' }]],
  });
});

test('triage pages on-call, links pages to the case in the console by default, and may enqueue outbox entries', () => {
  const vars = environmentOf(stack.triage.function);
  assert.deepEqual(vars.ONCALL_TOPIC_ARN, { Ref: logicalId(stack.oncall.topic) });
  assert.deepEqual(vars.OUTBOX_QUEUE_URL, { Ref: logicalId(stack.outbox.queue) });
  assert.deepEqual(vars.DEAD_LETTER_QUEUE_URL, { Ref: logicalId(stack.ingest.deadLetterQueue) });
  assert.deepEqual(vars.CASE_LINK_BASE, {
    'Fn::Join': [
      '',
      ['https://', { 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] }, '/#/cases/'],
    ],
  });
  assert.deepEqual(
    resourcesFor(stack.triage.role, 'sqs:SendMessage'),
    [stack.ingest.deadLetterQueue, stack.outbox.queue].map(arnOf).sort(),
  );
  // Published to the on-call topic only, and its key used with exactly the two actions SNS needs.
  for (const construct of [stack.triage, stack.slaMonitor]) {
    assert.deepEqual(
      resourcesFor(construct.role, 'sns:Publish'),
      [refOf(stack.oncall.topic)],
      construct.node.id,
    );
    assert.deepEqual(
      statementsOf(construct.role).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:'))),
      [
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: JSON.parse(arnOf(stack.oncall.key)),
        },
      ],
      construct.node.id,
    );
  }
  for (const construct of [stack.xWebhook, stack.agentApi, stack.sender, stack.pageForwarder]) {
    assert.deepEqual(actionsOn(construct.role, 'sns:'), [], construct.node.id);
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
  assert.equal(monitor.Timeout, 50);
  // Overlapping runs are safe (conditional updates), so no reserved concurrency.
  assert.equal(monitor.ReservedConcurrentExecutions, undefined);
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: logicalId(stack.slaMonitor.function) },
    MaximumRetryAttempts: 0,
  });
  const vars = environmentOf(stack.slaMonitor.function);
  assert.deepEqual(Object.keys(vars).sort(), [
    'CASE_LINK_BASE',
    'NODE_OPTIONS',
    'ONCALL_TOPIC_ARN',
    'POWERTOOLS_SERVICE_NAME',
    'TABLE_NAME',
  ]);
});

test('the on-call topic: own rotated key, TLS only, e-mail subscribers get every page, SMS only critical', () => {
  const topicRef = { Ref: logicalId(stack.oncall.topic) };
  template.hasResourceProperties('AWS::SNS::Topic', {
    KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.oncall.key), 'Arn'] },
  });
  assert.deepEqual(resource(stack.oncall.key).Properties.EnableKeyRotation, true);
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
  assert.deepEqual(
    byProtocol('email'),
    ONCALL_EMAILS.map((Endpoint) => ({ Endpoint, FilterPolicy: undefined })),
  );
  assert.deepEqual(
    byProtocol('sms'),
    ONCALL_SMS.map((Endpoint) => ({ Endpoint, FilterPolicy: { severity: ['critical'] } })),
  );
  assert.equal(subscriptions.length, ONCALL_EMAILS.length + ONCALL_SMS.length + 1);
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
  assert.deepEqual(forwarder.DeadLetterConfig, { TargetArn: failuresArn });
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
  assert.deepEqual(environmentOf(stack.pageForwarder.function).PAGE_TARGETS_SECRET_ARN, {
    Ref: logicalId(stack.pageDelivery.targets),
  });
  assert.deepEqual(resourcesFor(stack.pageForwarder.role, 'secretsmanager:GetSecretValue'), [
    refOf(stack.pageDelivery.targets),
  ]);
  const targets = resource(stack.pageDelivery.targets).Properties as {
    GenerateSecretString: { SecretStringTemplate: string };
  };
  assert.deepEqual(JSON.parse(targets.GenerateSecretString.SecretStringTemplate), {
    slackWebhookUrl: 'REPLACE_ME',
    pagerDutyRoutingKey: 'REPLACE_ME',
  });
  for (const [name, construct] of Object.entries(functions)) {
    if (name === 'pageForwarder') continue;
    assert.ok(
      !resourcesFor(construct.role, 'secretsmanager:GetSecretValue').includes(
        refOf(stack.pageDelivery.targets),
      ),
      name,
    );
  }
});

test('the outbox: redrive after 5 receives to its own DLQ, visibility 6x the sender timeout, batches of 5', () => {
  const queue = resource(stack.outbox.queue).Properties;
  assert.deepEqual(queue.RedrivePolicy, {
    deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.outbox.deadLetterQueue), 'Arn'] },
    maxReceiveCount: 5,
  });
  assert.equal(queue.VisibilityTimeout, 6 * 30);
  assert.equal(queue.SqsManagedSseEnabled, true);
  assert.equal(resource(stack.sender.function).Properties.Timeout, 30);
  const dlq = resource(stack.outbox.deadLetterQueue).Properties;
  assert.equal(dlq.MessageRetentionPeriod, 14 * 24 * 3600);
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
  assert.deepEqual(vars.OUTBOX_QUEUE_URL, { Ref: logicalId(stack.outbox.queue) });
  assert.deepEqual(vars.DEAD_LETTER_QUEUE_URL, { Ref: logicalId(stack.outbox.deadLetterQueue) });
  assert.deepEqual(vars.TABLE_NAME, { Ref: logicalId(stack.table.table) });
  // Deferring a rate-limited entry to X's reset is a visibility change on the outbox queue.
  assert.deepEqual(resourcesFor(stack.sender.role, 'sqs:ChangeMessageVisibility'), [
    arnOf(stack.outbox.queue),
  ]);
  assert.deepEqual(resourcesFor(stack.sender.role, 'sqs:SendMessage'), [arnOf(stack.outbox.deadLetterQueue)]);
});

test('one secret per configured X account; the sender reads exactly those, nothing else does', () => {
  assert.deepEqual([...stack.xAccounts.secrets.keys()].sort(), xAccountIds);
  const accountRefs = [...stack.xAccounts.secrets.values()].map(refOf).sort();
  for (const secret of stack.xAccounts.secrets.values()) {
    const props = resource(secret).Properties as {
      Description: string;
      GenerateSecretString: { SecretStringTemplate: string };
    };
    assert.deepEqual(JSON.parse(props.GenerateSecretString.SecretStringTemplate), {
      apiKey: 'REPLACE_ME',
      apiSecret: 'REPLACE_ME',
      accessToken: 'REPLACE_ME',
      accessTokenSecret: 'REPLACE_ME',
    });
  }
  assert.match(
    (resource(stack.xAccounts.secrets.get('4000002') as IConstruct).Properties as { Description: string })
      .Description,
    /@DemoAirFares \(bot account 4000002 of brand demoair\)/,
  );
  // Exactly the account secrets (X accounts, Facebook pages) and the Meta app secret for appsecret_proof:
  // not the X app's consumer secret, not the page targets.
  const metaRefs = [stack.channels.metaSecret, ...stack.channels.pageTokens.values()].map((s) =>
    JSON.stringify({ Ref: logicalId(s) }),
  );
  assert.deepEqual(
    resourcesFor(stack.sender.role, 'secretsmanager:GetSecretValue'),
    [...accountRefs, ...metaRefs].sort(),
  );
  const map = environmentOf(stack.sender.function).X_ACCOUNT_SECRET_ARNS as {
    'Fn::Join': [string, unknown[]];
  };
  const [, parts] = map['Fn::Join'];
  assert.deepEqual(parts, [
    '{"4000001":"',
    { Ref: logicalId(stack.xAccounts.secrets.get('4000001') as IConstruct) },
    '","4000002":"',
    { Ref: logicalId(stack.xAccounts.secrets.get('4000002') as IConstruct) },
    '"}',
  ]);
  for (const [name, construct] of Object.entries(functions)) {
    if (name === 'sender') continue;
    const reads = resourcesFor(construct.role, 'secretsmanager:GetSecretValue');
    assert.deepEqual(
      reads.filter((r) => accountRefs.includes(r)),
      [],
      `${name} must not read the X account secrets`,
    );
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
    assert.ok(care.includes(`${name} brand demoair service socialcare`), name);
  }
  const sqsMetrics = metrics.filter((m) => m[0] === 'AWS/SQS').map((m) => `${m[1]} ${JSON.stringify(m[3])}`);
  assert.equal(sqsMetrics.filter((m) => m.startsWith('ApproximateNumberOfMessagesVisible')).length, 5);
  assert.equal(sqsMetrics.filter((m) => m.startsWith('ApproximateAgeOfOldestMessage')).length, 2);
  const lambdaMetrics = metrics.filter((m) => m[0] === 'AWS/Lambda').map((m) => m[1]);
  assert.equal(lambdaMetrics.filter((m) => m === 'Errors').length, Object.keys(functions).length);
  assert.equal(lambdaMetrics.filter((m) => m === 'Duration').length, Object.keys(functions).length);
  assert.ok(widgets.some((w) => w.type === 'alarm'));
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
  assert.equal(directive?.Namespace, 'socialcare');
  const emitted = Object.fromEntries((directive?.Dimensions[0] ?? []).map((d) => [d, emf[d]]));
  assert.deepEqual(emitted, careMetricDimensions('demoair'));
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
  assert.deepEqual(fromContext, {
    caseLinkBase: 'https://console.example.com/cases/',
    emails: ['a@example.com', 'b@example.com'],
    smsNumbers: ['+31612345678'],
    smsSeverities: ['warning', 'critical'],
  });
  // Props win over context; no subscribers and critical-only SMS by default.
  assert.deepEqual(
    readCareSettings(new App({ context: { oncallEmails: 'a@example.com' } }), { oncallEmails: [] }),
    {
      emails: [],
      smsNumbers: [],
      smsSeverities: ['critical'],
    },
  );

  const bad = new App({
    context: {
      config: DEMO_CONFIG_PATH,
      caseLinkBase: 'http://console.example.com/cases/',
      oncallEmails: 'oncall-at-example.com',
      oncallSms: '0612345678,+31 6 1234 5678',
      oncallSmsSeverities: 'urgent',
    },
  });
  assert.throws(
    () => new CareStack(bad, 'BadSettings'),
    (error: Error) => {
      assert.equal(error.name, 'CareSettingsError');
      assert.deepEqual((error as Error & { problems: string[] }).problems, [
        'caseLinkBase must be an https URL to which a case id is appended, not "http://console.example.com/cases/"',
        'oncallEmails: "oncall-at-example.com" is not an e-mail address',
        'oncallSms: "0612345678" is not an E.164 phone number (+, country code, number; no spaces)',
        'oncallSms: "+31 6 1234 5678" is not an E.164 phone number (+, country code, number; no spaces)',
        'oncallSmsSeverities: "urgent" is not one of "warning", "critical"',
      ]);
      return true;
    },
  );
  assert.deepEqual(bad.node.findAll().filter(CfnResource.isCfnResource), []);
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
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))!.node
    .id;
  const bucketId = logicalId(stack.console.bucket);
  assert.deepEqual(acknowledged, [
    `${handler} AwsSolutions-L1`,
    'agent-api/function AwsSolutions-L1',
    'agent-api/function/pii-policy AwsSolutions-IAM5[Resource::*]',
    'agent-api/role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
    'api/http-api/GET--webhooks--meta AwsSolutions-APIG4',
    'api/http-api/GET--webhooks--x AwsSolutions-APIG4',
    'api/http-api/POST--webhooks--generic AwsSolutions-APIG4',
    'api/http-api/POST--webhooks--meta AwsSolutions-APIG4',
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

test('Meta and generic webhooks: open routes checked by HMAC in the function, no table access, their own secrets', () => {
  for (const construct of [stack.channels.metaWebhook, stack.channels.genericWebhook]) {
    assert.deepEqual(actionsOn(construct.role, 'dynamodb:'), [], construct.node.id);
    const env = environmentOf(construct.function);
    assert.ok(env.INGEST_QUEUE_URL && env.DEAD_LETTER_QUEUE_URL, construct.node.id);
  }
  assert.deepEqual(environmentOf(stack.channels.metaWebhook.function).META_SECRET_ARN, {
    Ref: logicalId(stack.channels.metaSecret),
  });
  assert.deepEqual(environmentOf(stack.channels.genericWebhook.function).GENERIC_SECRETS_ARN, {
    Ref: logicalId(stack.channels.genericSecrets),
  });
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (r) => r.Properties as { RouteKey: string; AuthorizationType?: string },
  );
  for (const key of ['GET /webhooks/meta', 'POST /webhooks/meta', 'POST /webhooks/generic']) {
    const route = routes.find((r) => r.RouteKey === key);
    assert.ok(route, key);
    assert.ok(!route.AuthorizationType || route.AuthorizationType === 'NONE', key);
  }
  // The sender knows each Facebook page's token secret.
  assert.ok(environmentOf(stack.sender.function).META_ACCOUNT_SECRET_ARNS);
  // Triage reads Instagram mentions with the Instagram accounts' tokens only: the demo has none, so no
  // page token at all, only the app secret for appsecret_proof.
  assert.deepEqual(resourcesFor(stack.triage.role, 'secretsmanager:GetSecretValue'), [
    JSON.stringify({ Ref: logicalId(stack.channels.metaSecret) }),
  ]);
  assert.equal(environmentOf(stack.triage.function).META_ACCOUNT_SECRET_ARNS, '{}');
});

test('the X webhook admin: health check every 5 minutes without retries, setup on demand, its own secrets', () => {
  const fn = stack.xAdmin.function;
  const props = resource(fn).Properties as { Timeout: number };
  assert.ok(props.Timeout < 300, 'runs in under the 5-minute rate');
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
  assert.equal(env.X_API_BASE_URL, 'https://api.x.com');
  assert.equal(
    env.X_APP_SECRET_ARN && JSON.stringify(env.X_APP_SECRET_ARN),
    refOf(stack.xWebhookAdmin.appSecret),
  );
  assert.ok(JSON.stringify(env.X_WEBHOOK_URL).includes('/webhooks/x'));
  for (const name of ['TABLE_NAME', 'ONCALL_TOPIC_ARN', 'X_OAUTH_TOKEN_SECRET_ARNS'])
    assert.ok(env[name], name);

  // One grant secret per X account, with the fields the vault reads; the app secret with the OAuth 2.0 client.
  assert.deepEqual([...stack.xWebhookAdmin.tokenSecrets.keys()].sort(), xAccountIds);
  const template_ = (s: IConstruct) =>
    JSON.parse(
      (resource(s).Properties as { GenerateSecretString: { SecretStringTemplate: string } })
        .GenerateSecretString.SecretStringTemplate,
    );
  assert.deepEqual(Object.keys(template_(stack.xWebhookAdmin.appSecret)), [
    'bearerToken',
    'clientId',
    'clientSecret',
  ]);
  for (const secret of stack.xWebhookAdmin.tokenSecrets.values())
    assert.deepEqual(Object.keys(template_(secret)), ['accessToken', 'refreshToken', 'expiresAt']);

  // Least privilege: it reads the app secret and the grants, writes only the grants (X rotates the refresh
  // token), and touches no other secret; nobody else reads or writes the grants.
  const grantRefs = [...stack.xWebhookAdmin.tokenSecrets.values()].map(refOf).sort();
  assert.deepEqual(
    resourcesFor(stack.xAdmin.role, 'secretsmanager:GetSecretValue'),
    [refOf(stack.xWebhookAdmin.appSecret), ...grantRefs].sort(),
  );
  assert.deepEqual(resourcesFor(stack.xAdmin.role, 'secretsmanager:PutSecretValue'), grantRefs);
  assert.deepEqual(
    actionsOn(stack.xAdmin.role, 'secretsmanager:').filter(
      (a) =>
        ![
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
        ].includes(a),
    ),
    [],
  );
  assert.deepEqual(actionsOn(stack.xAdmin.role, 'sns:'), ['sns:Publish']);
  assert.deepEqual(actionsOn(stack.xAdmin.role, 'sqs:'), []);
  for (const [name, construct] of Object.entries(functions)) {
    if (name === 'xWebhookAdmin') continue;
    for (const action of ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'])
      assert.deepEqual(
        resourcesFor(construct.role, action).filter(
          (r) => grantRefs.includes(r) || r === refOf(stack.xWebhookAdmin.appSecret),
        ),
        [],
        `${name} must not touch the X OAuth 2.0 secrets`,
      );
  }
  // Its failures reach the operations topic; the outputs name what the operator invokes and fills in.
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'CareTest-x-webhook-admin-errors',
    AlarmActions: [{ Ref: logicalId(stack.operations.topic) }],
  });
  const outputs = template.toJSON().Outputs as Record<string, { Description?: string }>;
  assert.match(outputs.XWebhookAdminFunctionName?.Description ?? '', /"action":"setup"/);
  assert.ok(outputs.XAppSecretName && outputs.XOAuthTokenSecretNames);
});
