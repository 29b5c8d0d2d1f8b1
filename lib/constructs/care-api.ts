import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AGENT_API_ROUTES } from '../../functions/agent-api/routes';

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
  /** @default { rateLimit: 100, burstLimit: 200 } */
  readonly throttle?: apigw.ThrottleSettings;
  /** @default one month */
  readonly accessLogRetention?: logs.RetentionDays;
}

/**
 * Every route of the agent API, each behind the Cognito JWT authorizer: derived from the router's own
 * declaration (functions/agent-api/routes.ts), so a route the handler answers is always deployed.
 */
export const AGENT_ROUTES: ReadonlyArray<{ path: string; methods: apigw.HttpMethod[] }> = Object.values(
  AGENT_API_ROUTES.reduce<Record<string, { path: string; methods: apigw.HttpMethod[] }>>((byPath, route) => {
    const entry = byPath[route.path] ?? { path: route.path, methods: [] };
    entry.methods.push(...route.verbs.map((verb) => verb as apigw.HttpMethod));
    byPath[route.path] = entry;
    return byPath;
  }, {}),
);

/**
 * The one HTTP API, same paths as local mode: platform webhooks (authenticated by the platform's
 * HMAC signature over the raw body, checked in the function) and the agent API (Cognito JWT, checked
 * by API Gateway before the function runs). Access-logged and throttled.
 */
export class CareApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;

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

    const xWebhookRoutes = this.httpApi.addRoutes({
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
    for (const route of AGENT_ROUTES) {
      this.httpApi.addRoutes({ ...route, integration: agentIntegration, authorizer });
    }
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
