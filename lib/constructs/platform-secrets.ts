import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { placeholderSecret } from './placeholder-secret';

/** The placeholder the runtime recognises: it answers "not set yet" instead of failing every signature. */

/**
 * Platform credentials in Secrets Manager. The stack creates each secret with a placeholder; the
 * operator puts the real value in after deploy (README, Deploy). Functions read a secret once per cold
 * start.
 */
export class PlatformSecrets extends Construct {
  /** JSON: {"consumerSecret": "<the X app's API key secret>"}, used for CRC answers and signatures. */
  readonly x: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.x = placeholderSecret(this, 'x', {
      description:
        'socialcare: X app consumer secret (field consumerSecret), for CRC answers and webhook signatures',
      fields: ['consumerSecret'],
      reason:
        'The X consumer secret is issued by X (developer portal) and can only be regenerated there; a rotation ' +
        'Lambda cannot rotate it. Operators regenerate it in X and put the new value here (README, Deploy).',
    });
  }

  /** Grants read on the X secret and sets X_SECRET_ARN, together. */
  bindX(fn: lambda.Function): void {
    this.x.grantRead(fn);
    fn.addEnvironment('X_SECRET_ARN', this.x.secretArn);
  }
}
