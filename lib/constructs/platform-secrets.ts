import { Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The placeholder the runtime recognises: it answers "not set yet" instead of failing every signature. */
const PLACEHOLDER = 'REPLACE_ME';

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
    this.x = new secretsmanager.Secret(this, 'x', {
      description:
        'socialcare: X app consumer secret (field consumerSecret), for CRC answers and webhook signatures',
      // Generated rather than a literal value: CloudFormation then never writes the placeholder back
      // over the operator's value on a later update. Secrets Manager generates only together with a
      // key; that field is not used.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ consumerSecret: PLACEHOLDER }),
        generateStringKey: 'unused',
        excludePunctuation: true,
      },
    });
    Validations.of(this.x).acknowledge({
      id: 'AwsSolutions-SMG4',
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
