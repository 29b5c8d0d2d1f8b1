import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretField } from '../adapters/aws/secrets';
import { SecretsManagerTokenVault } from '../adapters/aws/secrets-token-vault';
import { FileRefreshLease, FileTokenVault } from '../adapters/local/file-token-vault';
import { X_API_BASE_URL, XAdminClient } from '../channels/x/x-admin-client';
import type { BrandConfig } from '../core/brand-config';
import { xAccountsOf } from '../core/x-admin/accounts';
import { listOurSubscriptions, removeXSetup, runXSetup } from '../core/x-admin/setup';
import { XUserTokens } from '../core/x-admin/user-tokens';
import { readRuntimeFile, runtimeFilePath } from '../local-runtime/runtime-file';
import { LOCAL_X_APP_BEARER, LOCAL_X_CLIENT_ID } from '../local-runtime/x-admin-stand-in';
import { authorizeXAccount, DEFAULT_REDIRECT_URI, formatSetupReport } from './x-command';

const adminInvoke = (action: string) =>
  `aws lambda invoke --function-name <XWebhookAdminFunctionName output> --cli-binary-format raw-in-base64-out --payload '{"action":"${action}"}' /dev/stdout`;

/**
 * `socialcare x ...`. Against the running local system by default (its stand-in and webhook URL, read
 * from the data folder), or against X_API_BASE_URL with X_BEARER_TOKEN and X_CLIENT_ID (and
 * X_CLIENT_SECRET for a confidential client). In AWS, setup runs in the x-webhook-admin function,
 * which holds the secrets; `authorize --aws` stores the grant straight into the account's secret.
 */
export async function runXCommand(
  args: string[],
  io: { output: Writable; loadConfig: (path: string | undefined) => BrandConfig },
): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      account: { type: 'string' },
      paste: { type: 'boolean' },
      'redirect-uri': { type: 'string' },
      'webhook-url': { type: 'string' },
      webhook: { type: 'boolean' },
      config: { type: 'string' },
      aws: { type: 'boolean' },
      'token-secret': { type: 'string' },
      'app-secret': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const action = positionals[0];
  if (!['setup', 'subscriptions', 'remove', 'authorize'].includes(action ?? '') || positionals.length > 1)
    throw new Error('usage: socialcare x setup|subscriptions|remove|authorize [options] (socialcare help)');
  if (values.aws && action !== 'authorize')
    throw new Error(
      `in AWS, the x-webhook-admin function does this (it holds the secrets): ${adminInvoke(action as string)}`,
    );

  const dataDir = resolve(process.env.SOCIALCARE_DATA_DIR ?? '.socialcare-data');
  // The running `socialcare start` of this data folder: its stand-in plays X, its /webhooks/x is the webhook.
  const runtime = readRuntimeFile(dataDir);
  const local = runtime
    ? { xApiBaseUrl: runtime.standInUrl, xWebhookUrl: `${runtime.url}/webhooks/x` }
    : undefined;
  const apiBaseUrl = (
    process.env.X_API_BASE_URL ||
    (values.aws ? X_API_BASE_URL : local?.xApiBaseUrl) ||
    ''
  ).replace(/\/+$/, '');
  if (!apiBaseUrl)
    throw new Error(
      `no X API to talk to: start the local system first (npm start; it writes ${runtimeFilePath(dataDir)}), or set X_API_BASE_URL`,
    );
  const isX = apiBaseUrl === X_API_BASE_URL;
  const secrets = values.aws ? new SecretsManagerClient({}) : undefined;
  const appSecret = values['app-secret'];
  const fromApp = (field: string) =>
    secrets && appSecret ? secretField(secrets, appSecret, field) : undefined;
  const required = (name: string, fallback: string | undefined) => async () => {
    const value = process.env[name] || fallback;
    if (!value)
      throw new Error(
        `set ${name} (from the X developer portal)${values.aws ? ' or pass --app-secret' : ''}`,
      );
    return value;
  };
  const api = new XAdminClient({
    apiBaseUrl,
    bearerToken: fromApp('bearerToken') ?? required('X_BEARER_TOKEN', isX ? undefined : LOCAL_X_APP_BEARER),
    clientId: fromApp('clientId') ?? required('X_CLIENT_ID', isX ? undefined : LOCAL_X_CLIENT_ID),
    clientSecret: async () =>
      (await fromApp('clientSecret')?.().catch(() => undefined)) ?? process.env.X_CLIENT_SECRET,
  });
  const fileVault = new FileTokenVault(dataDir);
  const config = io.loadConfig(values.config);
  const accounts = xAccountsOf(config);

  if (action === 'authorize') {
    const accountId = values.account;
    if (!accountId) throw new Error('authorize needs --account <X user id> (one of the brand config)');
    if (!accounts.some((a) => a.id === accountId))
      throw new Error(
        `account ${accountId} is not an X account of the brand config (${accounts.map((a) => a.id).join(', ')})`,
      );
    let vault: FileTokenVault | SecretsManagerTokenVault = fileVault;
    if (values.aws) {
      if (!secrets || !values['token-secret'])
        throw new Error(
          "--aws needs --token-secret <the account's secret from the XOAuthTokenSecretNames output>",
        );
      vault = new SecretsManagerTokenVault(secrets, JSON.stringify({ [accountId]: values['token-secret'] }));
    }
    const tokens = new XUserTokens({ vault, lease: new FileRefreshLease(fileVault.dir), endpoint: api });
    const rl = values.paste ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
    try {
      const grant = await authorizeXAccount({
        accountId,
        clientId: await (
          fromApp('clientId') ?? required('X_CLIENT_ID', isX ? undefined : LOCAL_X_CLIENT_ID)
        )(),
        apiBaseUrl,
        redirectUri: values['redirect-uri'] ?? DEFAULT_REDIRECT_URI,
        endpoint: api,
        tokens,
        show: (text) => process.stderr.write(`${text}\n`),
        ...(rl ? { paste: () => rl.question('> ') } : {}),
      });
      io.output.write(
        `authorized X account ${accountId}: access token until ${grant.expiresAt} (refreshed automatically), scopes: ${grant.scope ?? 'as granted'}; stored in ${values.aws ? `secret ${values['token-secret']}` : fileVault.fileOf(accountId)}\n` +
          `if X had revoked this account (GET /api/accounts shows needsReauthorization), an admin of its brand now clears that: POST /api/accounts/x/${accountId}/reauthorized\n`,
      );
    } finally {
      rl?.close();
    }
    return;
  }

  const webhookUrl = values['webhook-url'] ?? (isX ? undefined : local?.xWebhookUrl);
  if (!webhookUrl)
    throw new Error('--webhook-url <the public HTTPS URL of /webhooks/x> is required against X');
  const tokens = new XUserTokens({
    vault: fileVault,
    lease: new FileRefreshLease(fileVault.dir),
    endpoint: api,
  });
  if (action === 'setup') {
    const report = await runXSetup({
      api,
      webhookUrl,
      accounts,
      userAccessToken: (id) => tokens.accessTokenFor(id),
    });
    io.output.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatSetupReport(report));
    if (report.failed.length) process.exitCode = 1;
    return;
  }
  if (action === 'subscriptions') {
    const listing = await listOurSubscriptions(api, webhookUrl, accounts);
    if (values.json) {
      io.output.write(`${JSON.stringify(listing, null, 2)}\n`);
      return;
    }
    io.output.write(
      `${listing.webhook ? `webhook ${listing.webhook.id} ${listing.webhook.url} (${listing.webhook.valid ? 'valid' : 'INVALID'})` : `no webhook registered for ${webhookUrl}`}\n${listing.subscriptions
        .map(
          (s) =>
            `  ${s.subscriptionId}  ${s.eventType}${s.userId ? `  user ${s.userId}` : ''}${s.tag ? `  "${s.tag}"` : ''}`,
        )
        .join('\n')}\n`,
    );
    return;
  }
  const removed = await removeXSetup({ api, webhookUrl, accounts }, { webhook: values.webhook === true });
  io.output.write(
    `removed ${removed.deletedSubscriptions} subscriptions${removed.deletedWebhook ? ' and the webhook' : ''}\n`,
  );
}
