import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FILES_BESIDE_BUNDLE, LAMBDA_BUNDLING } from '../lambda-bundling';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SocialcareFunctionProps {
  /** The folder under `functions/` whose `handler.ts` exports `handler`, e.g. `x-webhook`. */
  readonly handlerFolder: string;
  readonly description: string;
  /** The validated brand config as JSON; inlined into the bundle so a cold start reads no file. */
  readonly brandConfigJson: string;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Logs are operational (ids, counts, reasons; never a post's text); the case history lives in the
   * retained table.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * For functions invoked asynchronously (SNS, EventBridge): how often Lambda retries a failed event.
   * @default 2 (Lambda's default)
   */
  readonly retryAttempts?: number;
  /** For functions invoked asynchronously: where events go after the last retry. @default none */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * A socialcare Lambda: Node.js 22 on arm64, bundled locally by esbuild (no Docker) with the AWS SDK v3
 * inside the bundle (the versions in package-lock.json, not whatever the runtime ships), its own log
 * group with retention, X-Ray tracing, and a role that starts with nothing but writing to that log
 * group: every other permission is granted by the construct that owns the resource.
 */
export class SocialcareFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SocialcareFunctionProps) {
    super(scope, id);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(props.handlerFolder)) {
      throw new Error(
        `handlerFolder must be a kebab-case folder under functions/, not "${props.handlerFolder}"`,
      );
    }

    this.logGroup = new logs.LogGroup(this, 'logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    // An own role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole (logs:* on every log group).
    this.role = new iam.Role(this, 'role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `socialcare ${props.handlerFolder} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'function', {
      description: props.description,
      entry: `${PROJECT_ROOT}functions/${props.handlerFolder}/handler.ts`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.retryAttempts !== undefined ? { retryAttempts: props.retryAttempts } : {}),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'socialcare',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.CJS,
        target: LAMBDA_BUNDLING.target,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourcemap,
        // Stack traces need the mappings only; the sources would double the upload.
        sourcesContent: LAMBDA_BUNDLING.sourcesContent,
        // The AWS SDK v3 is bundled too (only the clients used, pinned by the lock file), less what never
        // runs in a Lambda (lib/lambda-bundling.ts).
        externalModules: [...LAMBDA_BUNDLING.external],
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        esbuildArgs: Object.fromEntries(
          Object.entries(LAMBDA_BUNDLING.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
        define: { 'process.env.SOCIALCARE_BRAND_CONFIG_JSON': JSON.stringify(props.brandConfigJson) },
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Each file the bundle requires from beside itself (lib/lambda-bundling.ts), and only those.
          afterBundling: (inputDir, outputDir) =>
            Object.entries(FILES_BESIDE_BUNDLE).map(
              ([request, file]) =>
                `if grep -qF 'require(${JSON.stringify(request)})' "${outputDir}/index.js"; then ` +
                `cp "${inputDir}/${file}" "${outputDir}/${request.replace(/^\.\//, '')}"; fi`,
            ),
        },
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x (Node.js 22 LTS, a supported Lambda runtime) on purpose: the bundle is built for ' +
        'esbuild target node22 to match; moving to a newer runtime is a deliberate change with a test run, not a ' +
        'side effect of upgrading CDK (this rule flags anything but the newest runtime CDK knows).',
    });
    // Active tracing put the X-Ray statement in the role's default policy; acknowledged there only.
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (!defaultPolicy)
      throw new Error(`${this.node.path}: expected the X-Ray statement in the role's default policy`);
    Validations.of(defaultPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level ' +
        'permissions (their resource is "*" in the IAM service reference).',
    });
  }
}
