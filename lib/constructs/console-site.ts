import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildConsoleSync, IMMUTABLE } from '../../console/build';

export interface ConsoleSiteProps {
  /**
   * The built console: index.html and assets/. @default built now from console/src into console/dist
   * (esbuild, well under a second), so a synth never ships a stale console.
   */
  readonly assetsDir?: string;
  /**
   * Origins the console's scripts may call besides its own (the CSP's connect-src): the HTTP API and
   * the Cognito domain. Wildcards allowed (`https://*.execute-api.eu-west-1.amazonaws.com`).
   */
  readonly connectOrigins: string[];
}

/**
 * The agent console as a static site: a private, encrypted, TLS-only S3 bucket that only this
 * CloudFront distribution may read (origin access control), HTTPS only, strict security headers,
 * index.html at the root and for unknown paths. `publish` uploads the site with its config.json.
 */
export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeaders: cloudfront.ResponseHeadersPolicy;
  readonly assetsDir: string;
  /** The role of CDK's upload function: its own log group and the two buckets, no managed policy. */
  readonly deployRole: iam.Role;
  readonly deployLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!props.connectOrigins.length) problems.push('connectOrigins: name the API and sign-in origins');
    for (const origin of props.connectOrigins) {
      if (!/^https:\/\//.test(origin)) problems.push(`connectOrigins: "${origin}" must be an https origin`);
    }
    if (props.assetsDir && !existsSync(join(props.assetsDir, 'index.html'))) {
      problems.push(`assetsDir: no index.html in ${props.assetsDir} (run npm run build:console)`);
    }
    if (problems.length)
      throw new Error(`invalid ConsoleSite props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.assetsDir = props.assetsDir ?? buildConsoleSync();

    this.bucket = new s3.Bucket(this, 'bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Only the build output lives here; kept on stack deletion like the table (no extra delete function).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the console build (index.html, hashed JS/CSS, config.json with public ids) and is ' +
        'readable only by the CloudFront distribution through origin access control; no data lives here, and every ' +
        'request for cases and customers goes to the HTTP API, whose stage is access-logged.',
    });

    this.deployLogs = new logs.LogGroup(this, 'deploy-logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deployRole = new iam.Role(this, 'deploy-role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'socialcare console upload (CDK BucketDeployment)',
    });
    this.deployLogs.grantWrite(this.deployRole);

    this.responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'security-headers', {
      comment: 'socialcare console: CSP, HSTS, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            `connect-src 'self' ${props.connectOrigins.join(' ')}`,
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'distribution', {
      comment: `${Stack.of(this).stackName} agent console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        compress: true,
      },
      // The console routes with #/…; any other path (a bookmark, a typo) gets the console, not an S3 error.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(10),
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: care agents work from wherever the team is (home, other offices, follow-the-sun shifts); ' +
        'the site itself is public code, and every data request needs a Cognito sign-in with TOTP MFA.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF on the console distribution: it serves only static files (no data, no forms posted to it); a WAF web ' +
        'ACL for CloudFront must live in us-east-1 while this stack deploys to any region, and the data path is the ' +
        'HTTP API, throttled and behind the Cognito JWT authorizer. Add one with a custom domain if policy asks.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'No CloudFront access logs: requests to the console fetch only static files; who read or changed which case is ' +
        "in the HTTP API access log (the caller's Cognito sub and the path) and in the case's audit trail. " +
        'Standard logging would need an ACL-enabled log bucket.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        "The distribution uses CloudFront's default *.cloudfront.net certificate (no custom domain is required to " +
        'deploy), for which CloudFront fixes the viewer security policy; viewers are redirected to HTTPS, and a ' +
        'custom domain with an ACM certificate and TLSv1.2_2021 is the way to raise the minimum.',
    });
  }

  /** The console's address, ending in a slash. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}/`;
  }

  /** The origin the browser sends with API calls (CORS). */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Uploads the site and its config.json (values may be tokens of other resources, resolved at deploy
   * time). Hashed assets first and kept (a browser holding the previous index.html still finds its
   * files), then index.html and config.json, always revalidated.
   */
  publish(config: Record<string, string>): void {
    const assets = new s3deploy.BucketDeployment(this, 'assets', {
      sources: [s3deploy.Source.asset(join(this.assetsDir, 'assets'))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'assets/',
      cacheControl: [s3deploy.CacheControl.fromString(IMMUTABLE)],
      prune: false,
      memoryLimit: 512,
      role: this.deployRole,
      logGroup: this.deployLogs,
    });
    const entry = new s3deploy.BucketDeployment(this, 'entry', {
      sources: [
        s3deploy.Source.asset(this.assetsDir, { exclude: ['assets', 'assets/**'] }),
        s3deploy.Source.jsonData('config.json', config),
      ],
      destinationBucket: this.bucket,
      cacheControl: [s3deploy.CacheControl.noCache()],
      prune: false,
      memoryLimit: 512,
      role: this.deployRole,
      logGroup: this.deployLogs,
      // No invalidation needed: CloudFront keeps no-cache objects for its minimum TTL (1 s) only.
    });
    entry.node.addDependency(assets);
    this.acknowledgeDeploymentHandler();
  }

  /** The upload function CDK adds once per stack (a singleton beside this construct) and its role. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    const policy = this.deployRole.node.tryFindChild('DefaultPolicy');
    if (!handler || !policy)
      throw new Error(`${this.node.path}: expected the BucketDeployment handler and its policy`);
    const why =
      "CDK's BucketDeployment function copies the built console from the CDK assets bucket into the console bucket " +
      'during deploys';
    for (const finding of [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-${stack.synthesizer.bootstrapQualifier ?? 'hnb659fds'}-assets-<AWS::AccountId>-<AWS::Region>/*`,
      `Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`,
    ]) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `${why}; BucketDeployment grants read on the CDK assets bucket and read/write on this console bucket (wildcards over the objects of those two buckets only).`,
      });
    }
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `${why}; its Python runtime is chosen by aws-cdk-lib, moves with CDK upgrades, and it runs only during deploys.`,
    });
  }
}
