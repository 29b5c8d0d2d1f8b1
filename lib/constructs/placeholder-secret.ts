import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** What an operator replaces after deploying; an empty field or this value means "not set". */
export const PLACEHOLDER = 'REPLACE_ME';

/**
 * A secret created with placeholder fields. Generated rather than a literal value: CloudFormation then
 * never writes the placeholders back over the operator's values on a later update (Secrets Manager
 * generates only together with a key; that field, `unused`, is not used). `reason` says why the secret
 * cannot be rotated by a Lambda (cdk-nag AwsSolutions-SMG4): it is issued by someone else.
 */
export function placeholderSecret(
  scope: Construct,
  id: string,
  props: { description: string; fields: readonly string[]; reason: string },
): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    description: props.description,
    generateSecretString: {
      secretStringTemplate: JSON.stringify(Object.fromEntries(props.fields.map((f) => [f, PLACEHOLDER]))),
      generateStringKey: 'unused',
      excludePunctuation: true,
    },
  });
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: props.reason });
  return secret;
}
