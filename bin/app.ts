import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CareStack } from '../lib/care-stack';

const app = new App();
const stackName: unknown = app.node.tryGetContext('stackName') ?? 'SocialCare';
if (typeof stackName !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
  throw new Error(
    `context "stackName" must be a CloudFormation stack name (letters, digits, hyphens), not ${JSON.stringify(stackName)}`,
  );
}

// Case links and on-call subscribers come from context (-c caseLinkBase=…, -c oncallEmails=…,
// -c oncallSms=…, -c oncallSmsSeverities=…); the stack validates them before creating anything.
new CareStack(app, stackName, {
  description:
    'socialcare: social customer care (X webhook, triage, cases with deadlines, SLA monitor, on-call paging, outbox sender, agent API)',
});
Tags.of(app).add('app', 'socialcare');
// cdk-nag 3 is a policy validation plugin (no longer an Aspect): synth fails on any finding that is
// not acknowledged with Validations.of(construct).acknowledge({ id, reason }).
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
);
