import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Exports are downloaded within minutes of being made (a 15-minute link); a day is plenty. */
export const EXPORT_RETENTION_DAYS = 1;

/**
 * Where exports go in AWS. A Lambda behind the HTTP API answers at most 6 MB, so the agent API writes
 * an export (cases, messages, report, audit trail) into this private bucket as a multipart upload, a
 * part at a time, and answers a pre-signed link to it. Private, encrypted, TLS only, objects deleted
 * after a day, unfinished uploads aborted after a day.
 */
export class ExportBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          expiration: Duration.days(EXPORT_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Holds nothing for longer than a day: it can go with the stack once emptied by its lifecycle rule.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Each object is an export an authorized supervisor asked for through the HTTP API (access-logged, and ' +
        "recorded in the brand's audit trail with its kind and period); objects expire after a day and are " +
        'fetched only by pre-signed links, so server access logs would add a second, bigger trail of the same.',
    });
  }

  /** Lets the function write exports and sign links to them (a pre-signed GET carries its role's rights). */
  bindExporter(fn: lambda.Function): void {
    const policy = new iam.Policy(this, `${fn.node.scope?.node.id ?? fn.node.id}-exporter`, {
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
          resources: [this.bucket.arnForObjects('exports/*')],
        }),
      ],
    });
    fn.role!.attachInlinePolicy(policy);
    const objects = `Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/exports/*`;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[${objects}]`,
      reason:
        'Every export is a new object with a random key under exports/ (the date, a UUID, the file name): the ' +
        'function can only name its objects by that prefix; it cannot list, delete or touch anything else.',
    });
    fn.addEnvironment('EXPORT_BUCKET', this.bucket.bucketName);
  }
}
