import { Aws, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ADMIN_GROUP } from '../../functions/core/access/agents';

export interface AgentUserPoolProps {
  /**
   * The agent console, signing in through the Cognito Hosted UI (authorization code with PKCE): its
   * URL (callback and sign-out URL) and the Hosted UI domain prefix (see `hostedUiDomainPrefix`).
   * @default no Hosted UI: SRP sign-in only
   */
  readonly console?: { readonly url: string; readonly domainPrefix: string };
}

/**
 * A Cognito domain prefix for this stack: the stack name and the account id, lower case, without
 * the words Cognito reserves (aws, amazon, cognito). Unique per account and region, as required.
 */
export function hostedUiDomainPrefix(stack: Stack): string {
  const name = stack.stackName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);
  return `${name || 'socialcare'}-${Aws.ACCOUNT_ID}`;
}

/** The Hosted UI's base URL for a domain prefix. */
export function hostedUiBaseUrl(domainPrefix: string): string {
  return `https://${domainPrefix}.auth.${Aws.REGION}.amazoncognito.com`;
}

/**
 * The care agents' sign-in. Agents read customers' posts and histories, so: no self sign-up (an admin
 * invites each agent), a long password, TOTP multi-factor required for everyone, and threat protection
 * (Plus plan) blocking risky and compromised-credential sign-ins.
 */
export class AgentUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  /**
   * The agent console's client: a browser app, so no client secret; the Hosted UI with the
   * authorization code flow and PKCE when the console is deployed, SRP for scripts and the CLI.
   */
  readonly consoleClient: cognito.UserPoolClient;
  /** Members are administrators of every brand until an administrator registers them otherwise. */
  readonly adminGroup: cognito.CfnUserPoolGroup;
  /** The Hosted UI domain, when the console is deployed. */
  readonly domain?: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: AgentUserPoolProps = {}) {
    super(scope, id);
    // The account id is a deploy-time token; the literal part must be what Cognito accepts.
    const literal = props.console?.domainPrefix.replace(/\$\{Token\[[^\]]+\]\}/g, '');
    if (literal !== undefined && (!/^[a-z0-9-]+$/.test(literal) || /aws|amazon|cognito/.test(literal))) {
      throw new Error(
        `console.domainPrefix must be lower-case letters, digits and hyphens without aws, amazon or cognito, not "${props.console?.domainPrefix}"`,
      );
    }
    this.userPool = new cognito.UserPool(this, 'user-pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Who is who lives in the agent registry (the table, keyed by the Cognito sub, managed through the
    // API); this group only bootstraps it: its members are administrators before the registry knows them.
    this.adminGroup = new cognito.CfnUserPoolGroup(this, 'admin-group', {
      userPoolId: this.userPool.userPoolId,
      groupName: ADMIN_GROUP,
      description:
        'socialcare administrators: manage agents (POST /api/agents) before the agent registry has any',
    });
    const hostedUi = props.console;
    if (hostedUi) {
      this.domain = this.userPool.addDomain('hosted-ui', {
        cognitoDomain: { domainPrefix: hostedUi.domainPrefix },
      });
    }
    this.consoleClient = this.userPool.addClient('console-client', {
      generateSecret: false,
      authFlows: { userSrp: true },
      ...(hostedUi
        ? {
            // Authorization code only (never the implicit flow); PKCE is the console's, per sign-in.
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
              callbackUrls: [hostedUi.url],
              logoutUrls: [hostedUi.url],
            },
            supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
          }
        : { disableOAuth: true }),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
  }
}
