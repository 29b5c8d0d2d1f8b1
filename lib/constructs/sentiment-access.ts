import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { SentimentMode } from '../../functions/adapters/sentiment-mode';

/**
 * Selects how a function reads sentiment (SENTIMENT, a deploy-time choice) and, unless it is `local`,
 * lets it call Amazon Comprehend, together. The permission sits in its own policy so that its
 * unavoidable "*" is suppressed there and nowhere else.
 */
export function bindSentiment(fn: lambda.Function, mode: SentimentMode): iam.Policy | undefined {
  fn.addEnvironment('SENTIMENT', mode);
  return mode === 'local' ? undefined : grantSentimentDetection(fn);
}

function grantSentimentDetection(fn: lambda.Function): iam.Policy {
  const policy = new iam.Policy(fn, 'sentiment-policy', {
    statements: [new iam.PolicyStatement({ actions: ['comprehend:BatchDetectSentiment'], resources: ['*'] })],
  });
  if (!fn.role) throw new Error(`function ${fn.node.path} has no role to attach the sentiment policy to`);
  policy.attachToRole(fn.role);
  // Without this, the queue could invoke the function before CloudFormation attaches the policy.
  fn.node.defaultChild?.node.addDependency(policy);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'comprehend:BatchDetectSentiment (a stateless call on text, no stored resource) supports no resource-level ' +
      'permissions; its resource is "*" in the IAM service reference. This policy holds that one action only.',
  });
  return policy;
}

/**
 * Lets a function find private data with Amazon Comprehend (DetectPiiEntities): masked in stored text
 * and blocked from public replies. Its own policy, for the same reason as above.
 */
export function grantPiiDetection(fn: lambda.Function): iam.Policy {
  const policy = new iam.Policy(fn, 'pii-policy', {
    statements: [new iam.PolicyStatement({ actions: ['comprehend:DetectPiiEntities'], resources: ['*'] })],
  });
  if (!fn.role) throw new Error(`function ${fn.node.path} has no role to attach the PII policy to`);
  policy.attachToRole(fn.role);
  fn.node.defaultChild?.node.addDependency(policy);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'comprehend:DetectPiiEntities (a stateless call on text, no stored resource) supports no resource-level ' +
      'permissions; its resource is "*" in the IAM service reference. This policy holds that one action only.',
  });
  return policy;
}
