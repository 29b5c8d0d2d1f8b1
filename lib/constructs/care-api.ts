import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AGENT_ROUTES, parseRoute } from '../../functions/agent-api/routes';

export interface CareApiProps {
  /** Answers GET (CRC) and POST (events) /webhooks/x; verifies X's signature itself. */
  readonly xWebhook: lambda.IFunction;
  /** Answers every /api route (AGENT_ROUTES): the queue, cases, working a case, pages, reports. */
  readonly agentApi: lambda.IFunction;
  /**
   * Browser origins allowed to call the API (CORS): the agent console's CloudFront origin.
   * @default none: no CORS, for API clients that are not browsers
   */
  readonly corsOrigins?: string[];
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  /** Each agent API route's own limit. @default { rateLimit: 100, burstLimit: 200 } */
  readonly throttle?: apigw.ThrottleSettings;
  /**
   * Each webhook route's own limit, apart from the agent API's, so an unsigned flood on a webhook is
   * refused at the gateway before it reaches the routes agents use. @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly webhookThrottle?: apigw.ThrottleSettings;
  /** @default one month */
  readonly accessLogRetention?: logs.RetentionDays;
}

/**
 * The agent API's routes as the HTTP API deploys them: the one list the router answers
 * (functions/agent-api/routes.ts), grouped by path, each behind the Cognito JWT authorizer.
 */
export const AGENT_API_PATHS: ReadonlyArray<{ path: string; methods: apigw.HttpMethod[] }> = [
  ...AGENT_ROUTES.reduce((paths, key) => {
    const { method, path } = parseRoute(key);
    paths.set(path, [...(paths.get(path) ?? []), method as apigw.HttpMethod]);
    return paths;
  }, new Map<string, apigw.HttpMethod[]>()),
].map(([path, methods]) => ({ path, methods }));

/**
 * The one HTTP API, same paths as local mode: platform webhooks (authenticated by the platform's
 * HMAC signature over the raw body, checked in the function) and the agent API (Cognito JWT, checked
 * by API Gateway before the function runs). Access-logged and throttled.
 */
export class CareApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Route key to its throttle: written into the stage's RouteSettings. */
  private readonly routeThrottles = new Map<string, apigw.ThrottleSettings>();
  private readonly webhookThrottle: apigw.ThrottleSettings;

  constructor(scope: Construct, id: string, props: CareApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'http-api', {
      apiName: Stack.of(this).stackName,
      description: 'socialcare: platform webhooks and the agent API',
      // The stage is created below, with access logging and throttling.
      createDefaultStage: false,
      // The console calls the API from its CloudFront origin with the ID token as the bearer (no cookies).
      ...(props.corsOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: props.corsOrigins,
              allowMethods: [
                apigw.CorsHttpMethod.GET,
                apigw.CorsHttpMethod.POST,
                apigw.CorsHttpMethod.PUT,
                apigw.CorsHttpMethod.DELETE,
              ],
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.accessLogs = new logs.LogGroup(this, 'access-logs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'default-stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            // Who read or changed which case: the path names the case, the Cognito sub the agent
            // (the agent registry's id); the audit trail in the table says what they did.
            path: '$context.path',
            caller: '$context.authorizer.claims.sub',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    // Every route gets its own limit (route settings), webhooks a lower one than the agent API.
    this.webhookThrottle = props.webhookThrottle ?? { rateLimit: 50, burstLimit: 100 };
    const cfnStage = this.stage.node.defaultChild as apigw.CfnStage;
    cfnStage.routeSettings = Lazy.any({
      produce: () =>
        Object.fromEntries(
          [...this.routeThrottles].map(([key, throttle]) => [
            key,
            { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
          ]),
        ),
    });

    const xWebhookRoutes = this.addWebhookRoutes({
      path: '/webhooks/x',
      methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('x-webhook-integration', props.xWebhook),
    });
    for (const route of xWebhookRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'X calls this webhook without credentials API Gateway could check; each request is authenticated in the ' +
          'function by the x-twitter-webhooks-signature HMAC-SHA256 over the raw body (CRC answers likewise use ' +
          'the consumer secret), and unsigned or wrongly signed requests get 401 with nothing enqueued.',
      });
    }

    const authorizer = new HttpUserPoolAuthorizer('agent-authorizer', props.userPool, {
      userPoolClients: [props.userPoolClient],
    });
    const agentIntegration = new HttpLambdaIntegration('agent-api-integration', props.agentApi);
    const agentThrottle = props.throttle ?? { rateLimit: 100, burstLimit: 200 };
    for (const route of AGENT_API_PATHS) {
      this.throttled(
        this.httpApi.addRoutes({ ...route, integration: agentIntegration, authorizer }),
        agentThrottle,
      );
    }
  }

  /** Adds a platform webhook's routes with the webhooks' own throttle. */
  addWebhookRoutes(options: apigw.AddRoutesOptions): apigw.HttpRoute[] {
    return this.throttled(this.httpApi.addRoutes(options), this.webhookThrottle);
  }

  private throttled(routes: apigw.HttpRoute[], throttle: apigw.ThrottleSettings): apigw.HttpRoute[] {
    for (const route of routes) {
      const key = (route.node.defaultChild as apigw.CfnRoute).routeKey;
      this.routeThrottles.set(key, throttle);
      // Route settings name routes that must exist before the stage is updated.
      this.stage.node.addDependency(route);
    }
    return routes;
  }

  /** The base URL, ending in a slash. */
  get url(): string {
    return this.stage.url;
  }

  /** What to register as the webhook URL in the X developer portal. */
  get xWebhookUrl(): string {
    return `${this.stage.url}webhooks/x`;
  }
}
