import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * AWS SDK clients. In AWS they take region and credentials from the Lambda environment; in local mode
 * they are pointed at the embedded services by explicit endpoint (fauxqs queue URLs need it).
 */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function dynamoClient(endpoint?: string): DynamoDBClient {
  return endpoint
    ? new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 5 })
    : new DynamoDBClient({});
}

export function sqsClient(endpoint?: string): SQSClient {
  return endpoint
    ? new SQSClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS })
    : new SQSClient({});
}

export function snsClient(endpoint?: string): SNSClient {
  return endpoint
    ? new SNSClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS })
    : new SNSClient({});
}

export function comprehendClient(): ComprehendClient {
  return new ComprehendClient({});
}

export function secretsClient(): SecretsManagerClient {
  return new SecretsManagerClient({});
}

export function s3Client(): S3Client {
  return new S3Client({});
}
