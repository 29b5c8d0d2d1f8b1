import { Annotations, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { BrandConfig } from '../../functions/core/brand-config';
import { placeholderSecret } from './placeholder-secret';

/** The placeholder the runtime treats as "not set yet". */
/**
 * X_ACCOUNT_SECRET_ARNS holds an ARN of about 110 characters per account, and Lambda allows 4 KB of
 * environment in all: past this many accounts the sender's environment may no longer fit.
 */
const MAX_ACCOUNTS_IN_ENVIRONMENT = 25;
/** What the sender reads (twitter-api-v2, OAuth 1.0a user context). */
export const X_ACCOUNT_SECRET_FIELDS = ['apiKey', 'apiSecret', 'accessToken', 'accessTokenSecret'] as const;

export interface XAccountSecretsProps {
  /** Every X account of every brand (care and bot) gets its own secret. */
  readonly brands: BrandConfig;
}

/**
 * One Secrets Manager secret per X account in the brand config, so each account's credentials are
 * kept apart: the FAQ bot's keys can be read, rotated or revoked without touching the care account's,
 * and each brand's without another's. Created with placeholder fields; the operator puts each account's
 * keys in after deploy (README, Deploy).
 */
export class XAccountSecrets extends Construct {
  /** Keyed by X account id. */
  readonly secrets: ReadonlyMap<string, secretsmanager.Secret>;

  constructor(scope: Construct, id: string, props: XAccountSecretsProps) {
    super(scope, id);
    const secrets = new Map<string, secretsmanager.Secret>();
    for (const brand of props.brands.brands) {
      for (const account of brand.accounts) {
        if (account.platform !== 'x') continue;
        // The construct id is the account id: stable when a handle changes, so the secret is kept.
        const secret = placeholderSecret(this, account.id, {
          description: `socialcare: X credentials of @${account.handle} (${account.role} account ${account.id} of brand ${brand.id}): fields ${X_ACCOUNT_SECRET_FIELDS.join(', ')}`,
          fields: X_ACCOUNT_SECRET_FIELDS,
          reason:
            'X account access tokens and app keys are issued by X (developer portal, or the OAuth flow for the ' +
            'account) and can only be regenerated there; a rotation Lambda cannot rotate them. Operators ' +
            'regenerate them in X and put the new values here (README, Deploy).',
        });
        secrets.set(account.id, secret);
      }
    }
    this.secrets = secrets;
  }

  /**
   * Grants read on exactly these secrets and sets X_ACCOUNT_SECRET_ARNS ({"<account id>": "<arn>"}),
   * together.
   */
  bindSender(fn: lambda.Function): void {
    if (this.secrets.size > MAX_ACCOUNTS_IN_ENVIRONMENT) {
      Annotations.of(this).addWarningV2(
        'socialcare:x-account-secrets-env-size',
        `${this.secrets.size} X accounts: X_ACCOUNT_SECRET_ARNS (one ARN each) may exceed Lambda's 4 KB environment limit and fail the deploy`,
      );
    }
    for (const secret of this.secrets.values()) secret.grantRead(fn);
    const arns = Object.fromEntries(
      [...this.secrets].map(([accountId, secret]) => [accountId, secret.secretArn]),
    );
    fn.addEnvironment('X_ACCOUNT_SECRET_ARNS', Stack.of(this).toJsonString(arns));
  }

  /** {"<account id>": "<secret name>"}, as JSON: where the operator puts each account's keys. */
  get secretNamesJson(): string {
    return Stack.of(this).toJsonString(
      Object.fromEntries([...this.secrets].map(([accountId, secret]) => [accountId, secret.secretName])),
    );
  }
}
