import { Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { BrandConfig } from '../../functions/core/brand-config';
import { functionErrorsAlarm } from './alarms';
import type { OperationsTopic } from './operations-topic';
import { placeholderSecret } from './placeholder-secret';

/** The X app's OAuth 2.0 credentials: the app-only bearer token, and the client for the user flow. */
export const X_APP_SECRET_FIELDS = ['bearerToken', 'clientId', 'clientSecret'] as const;
/** One account's OAuth 2.0 grant, written by `socialcare x authorize --aws` and by each refresh. */
export const X_OAUTH_TOKEN_FIELDS = ['accessToken', 'refreshToken', 'expiresAt'] as const;

export interface XWebhookAdminProps {
  readonly brands: BrandConfig;
  /** Build it with `retryAttempts: 0` and a timeout under the rate. */
  readonly admin: lambda.Function;
  /** The public URL of POST /webhooks/x. */
  readonly webhookUrl: string;
  readonly operations: OperationsTopic;
  /** @default 5 minutes */
  readonly rate?: Duration;
  /** @default https://api.x.com */
  readonly xApiBaseUrl?: string;
}

/**
 * Keeps the X webhook alive: the x-webhook-admin function on an EventBridge schedule (re-validate an
 * invalid webhook, replay the outage, page), and on demand (`aws lambda invoke`: setup, list, remove
 * subscriptions). Owns the secrets it needs: the X app's OAuth 2.0 credentials and one secret per X
 * account for its user-context grant, which only this function reads and writes (X rotates the refresh
 * token on every refresh, so the function must store the new one: PutSecretValue, nothing more).
 */
export class XWebhookAdmin extends Construct {
  readonly appSecret: secretsmanager.Secret;
  /** Keyed by X account id. */
  readonly tokenSecrets: ReadonlyMap<string, secretsmanager.Secret>;
  readonly rule: events.Rule;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: XWebhookAdminProps) {
    super(scope, id);
    const rate = props.rate ?? Duration.minutes(5);
    const timeout = props.admin.timeout ?? Duration.seconds(3);
    if (timeout.toSeconds() >= rate.toSeconds())
      throw new Error(
        `${this.node.path}: the admin function's timeout (${timeout.toHumanString()}) must be shorter than the rate (${rate.toHumanString()})`,
      );

    this.appSecret = placeholderSecret(this, 'app', {
      description: `socialcare: X app OAuth 2.0 credentials: fields ${X_APP_SECRET_FIELDS.join(', ')} (clientSecret only for a confidential client)`,
      fields: X_APP_SECRET_FIELDS,
      reason:
        'The X app bearer token and OAuth 2.0 client credentials are issued by X (developer portal) and can only be ' +
        'regenerated there; a rotation Lambda cannot rotate them (README, Connect X).',
    });
    const tokenSecrets = new Map<string, secretsmanager.Secret>();
    for (const brand of props.brands.brands)
      for (const account of brand.accounts) {
        if (account.platform !== 'x') continue;
        tokenSecrets.set(
          account.id,
          placeholderSecret(this, `oauth-${account.id}`, {
            description: `socialcare: OAuth 2.0 user-context grant of X account @${account.handle} (${account.id}, brand ${brand.id}); written by "socialcare x authorize --aws" and by each refresh`,
            fields: X_OAUTH_TOKEN_FIELDS,
            reason:
              "An X account's OAuth 2.0 grant comes from its owner authorizing the app; the admin function refreshes " +
              'it itself before it expires (X rotates the refresh token), so no rotation Lambda applies.',
          }),
        );
      }
    this.tokenSecrets = tokenSecrets;

    const fn = props.admin;
    this.appSecret.grantRead(fn);
    for (const secret of tokenSecrets.values()) secret.grantRead(fn);
    if (tokenSecrets.size)
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: ['secretsmanager:PutSecretValue'],
        resourceArns: [...tokenSecrets.values()].map((s) => s.secretArn),
      });
    fn.addEnvironment('X_APP_SECRET_ARN', this.appSecret.secretArn);
    fn.addEnvironment(
      'X_OAUTH_TOKEN_SECRET_ARNS',
      Stack.of(this).toJsonString(Object.fromEntries([...tokenSecrets].map(([a, s]) => [a, s.secretArn]))),
    );
    fn.addEnvironment('X_WEBHOOK_URL', props.webhookUrl);
    fn.addEnvironment('X_API_BASE_URL', props.xApiBaseUrl ?? 'https://api.x.com');

    this.rule = new events.Rule(this, 'health-rule', {
      description: `socialcare: checks the X webhook every ${rate.toHumanString()} (re-validate, replay, page)`,
      schedule: events.Schedule.rate(rate),
      targets: [
        new targets.LambdaFunction(fn, {
          event: events.RuleTargetInput.fromObject({ action: 'health' }),
          retryAttempts: 0,
          maxEventAge: Duration.minutes(5),
        }),
      ],
    });
    this.alarms = [
      functionErrorsAlarm(this, 'errors-alarm', fn, {
        alarmName: `${Stack.of(this).stackName}-x-webhook-admin-errors`,
        description:
          'socialcare: the X webhook check fails to run (X unreachable, secrets not set); an invalid webhook may go unnoticed',
      }),
    ];
    for (const alarm of this.alarms) props.operations.notify(alarm);
  }

  /** {"<account id>": "<secret name>"}: where `socialcare x authorize --aws --token-secret` writes. */
  get tokenSecretNamesJson(): string {
    return Stack.of(this).toJsonString(
      Object.fromEntries([...this.tokenSecrets].map(([a, s]) => [a, s.secretName])),
    );
  }
}
