import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { BrandConfig } from '../../functions/core/brand-config';
import type { CareApi } from './care-api';
import type { IngestPipeline } from './ingest-pipeline';
import { placeholderSecret } from './placeholder-secret';
import { SocialcareFunction } from './socialcare-function';

export interface ChannelWebhooksProps {
  readonly brands: BrandConfig;
  readonly brandConfigJson: string;
  /** The HTTP API: the webhook routes are added with the webhooks' own throttle. */
  readonly api: CareApi;
  readonly ingest: IngestPipeline;
}

/**
 * Facebook, Messenger and Instagram (Meta's webhook) and the generic signed webhook for review sites
 * and listening tools: their functions, secrets and routes, and one page-token secret per Facebook
 * page or Instagram account in the brand config for the sender.
 */
export class ChannelWebhooks extends Construct {
  readonly metaWebhook: SocialcareFunction;
  readonly genericWebhook: SocialcareFunction;
  /** appSecret (signatures, appsecret_proof) and verifyToken (subscription challenge). */
  readonly metaSecret: secretsmanager.Secret;
  /** {"<source>": "<signing secret>"} for the generic webhook. */
  readonly genericSecrets: secretsmanager.Secret;
  /** Keyed by page or Instagram account id: field pageAccessToken. */
  readonly pageTokens: ReadonlyMap<string, secretsmanager.Secret>;
  private readonly instagramAccounts: ReadonlySet<string>;

  constructor(scope: Construct, id: string, props: ChannelWebhooksProps) {
    super(scope, id);
    const issuedElsewhere = (what: string) =>
      `${what} is issued by the platform or the source and can only be regenerated there; a rotation Lambda cannot rotate it. Operators put new values here (README, Deploy).`;
    this.metaSecret = placeholderSecret(this, 'meta', {
      description: 'socialcare: Meta app secret (appSecret) and webhook verify token (verifyToken)',
      fields: ['appSecret', 'verifyToken'],
      reason: issuedElsewhere('The Meta app secret'),
    });
    this.genericSecrets = placeholderSecret(this, 'generic-sources', {
      description:
        'socialcare: signing secret per review/listening source, {"<source>": "<secret>"} (docs/generic-webhook.md)',
      fields: [],
      reason: issuedElsewhere('Each source signing secret, shared with that source,'),
    });
    const pageTokens = new Map<string, secretsmanager.Secret>();
    const instagramAccounts = new Set<string>();
    for (const brand of props.brands.brands) {
      for (const account of brand.accounts) {
        if (account.platform !== 'facebook' && account.platform !== 'instagram') continue;
        if (account.platform === 'instagram') instagramAccounts.add(account.id);
        pageTokens.set(
          account.id,
          placeholderSecret(this, `page-token-${account.id}`, {
            description: `socialcare: page access token (pageAccessToken) of ${account.platform} account ${account.handle} (${account.id}, brand ${brand.id})`,
            fields: ['pageAccessToken'],
            reason: issuedElsewhere('A page access token'),
          }),
        );
      }
    }
    this.pageTokens = pageTokens;
    this.instagramAccounts = instagramAccounts;

    this.metaWebhook = new SocialcareFunction(this, 'meta-webhook', {
      handlerFolder: 'meta-webhook',
      description: 'socialcare: Meta webhook (challenge, signature check, enqueue); no database call',
      brandConfigJson: props.brandConfigJson,
      timeout: Duration.seconds(10),
    });
    this.genericWebhook = new SocialcareFunction(this, 'generic-webhook', {
      handlerFolder: 'generic-webhook',
      description: 'socialcare: signed webhook for review sites and listening tools; no database call',
      brandConfigJson: props.brandConfigJson,
      timeout: Duration.seconds(10),
    });
    props.ingest.bindProducer(this.metaWebhook.function);
    props.ingest.bindProducer(this.genericWebhook.function);
    this.metaSecret.grantRead(this.metaWebhook.function);
    this.metaWebhook.function.addEnvironment('META_SECRET_ARN', this.metaSecret.secretArn);
    this.genericSecrets.grantRead(this.genericWebhook.function);
    this.genericWebhook.function.addEnvironment('GENERIC_SECRETS_ARN', this.genericSecrets.secretArn);

    const routes = [
      ...props.api.addWebhookRoutes({
        path: '/webhooks/meta',
        methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST],
        integration: new HttpLambdaIntegration('meta-webhook-integration', this.metaWebhook.function),
      }),
      ...props.api.addWebhookRoutes({
        path: '/webhooks/generic',
        methods: [apigw.HttpMethod.POST],
        integration: new HttpLambdaIntegration('generic-webhook-integration', this.genericWebhook.function),
      }),
    ];
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Meta and review/listening sources call these webhooks without credentials API Gateway could check; each ' +
          'request is authenticated in the function by an HMAC-SHA256 signature over the raw body (Meta: ' +
          'X-Hub-Signature-256; generic: a timestamped signature that also rejects replays), and a missing or wrong ' +
          'signature gets 401 with nothing enqueued.',
      });
    }
  }

  /** Lets the sender reply on Facebook and Instagram: read on exactly the page-token secrets, together with their env. */
  bindSender(fn: lambda.Function): void {
    this.bindTokens(fn, [...this.pageTokens]);
  }

  /**
   * Lets triage read the text of Instagram mentions (the webhook names them by id only): read on the
   * Instagram accounts' page-token secrets only, with their env.
   */
  bindMentionReader(fn: lambda.Function): void {
    this.bindTokens(
      fn,
      [...this.pageTokens].filter(([id]) => this.instagramAccounts.has(id)),
    );
  }

  /** Read on these page-token secrets and the Meta app secret (appsecret_proof), with their env. */
  private bindTokens(fn: lambda.Function, tokens: Array<[string, secretsmanager.Secret]>): void {
    for (const [, secret] of tokens) secret.grantRead(fn);
    fn.addEnvironment(
      'META_ACCOUNT_SECRET_ARNS',
      Stack.of(this).toJsonString(Object.fromEntries(tokens.map(([id, s]) => [id, s.secretArn]))),
    );
    this.metaSecret.grantRead(fn);
    fn.addEnvironment('META_SECRET_ARN', this.metaSecret.secretArn);
  }

  /** What to register with Meta and the sources. */
  urls(apiUrl: string): { meta: string; generic: string } {
    return { meta: `${apiUrl}webhooks/meta`, generic: `${apiUrl}webhooks/generic` };
  }
}
