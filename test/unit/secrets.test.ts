import assert from 'node:assert/strict';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, test } from '@jest/globals';
import { metaPageTokensFromEnv } from '../../functions/adapters/aws/meta-page-tokens';
import { secretField, secretJson, secretsByAccount } from '../../functions/adapters/aws/secrets';

/** Secrets Manager as far as these readers use it: GetSecretValue by id, with a count of calls. */
function stubClient(values: Record<string, string | Error>) {
  const calls: string[] = [];
  const client = {
    send: async (command: { input: { SecretId?: string } }) => {
      const id = command.input.SecretId ?? '';
      calls.push(id);
      const value = values[id];
      if (value instanceof Error) throw value;
      if (value === undefined) throw new Error(`ResourceNotFoundException: ${id}`);
      return { SecretString: value };
    },
  } as unknown as SecretsManagerClient;
  return { client, calls, values };
}

afterEach(() => {
  delete process.env.TEST_ACCOUNT_SECRET_ARNS;
  delete process.env.META_ACCOUNT_SECRET_ARNS;
  delete process.env.META_SECRET_ARN;
});

test('a field still at the placeholder, empty or blank is refused with the field named, never its value', async () => {
  const { client } = stubClient({
    placeholder: '{"consumerSecret":"REPLACE_ME"}',
    blank: '{"consumerSecret":"  "}',
    notJson: 'REPLACE_ME',
  });
  await assert.rejects(
    secretField(client, 'placeholder', 'consumerSecret')(),
    /no value for "consumerSecret" yet/,
  );
  await assert.rejects(secretField(client, 'blank', 'consumerSecret')(), /no value for "consumerSecret" yet/);
  await assert.rejects(secretJson(client, 'notJson', ['a'])(), /notJson is not a JSON object/);
});

test('a value is read once and cached; a failed read is not cached, so the next call tries again', async () => {
  const stub = stubClient({ s: new Error('ThrottlingException') });
  const read = secretField(stub.client, 's', 'appSecret');
  await assert.rejects(read(), /ThrottlingException/);
  stub.values.s = '{"appSecret":"shh"}';
  assert.equal(await read(), 'shh');
  assert.equal(await read(), 'shh');
  assert.deepEqual(stub.calls, ['s', 's'], 'one failed read, one good read, then the cache');
});

test('secrets per account: each read on first use; an account without a secret is a configuration error', async () => {
  process.env.TEST_ACCOUNT_SECRET_ARNS = JSON.stringify({ '4000001': 'arn:care' });
  const stub = stubClient({ 'arn:care': '{"apiKey":"k","apiSecret":"s"}' });
  const credentialsFor = secretsByAccount<{ apiKey: string; apiSecret: string }>(
    stub.client,
    'TEST_ACCOUNT_SECRET_ARNS',
    ['apiKey', 'apiSecret'],
    'X credentials',
  );
  assert.deepEqual(await credentialsFor('4000001'), { apiKey: 'k', apiSecret: 's' });
  await credentialsFor('4000001');
  assert.deepEqual(stub.calls, ['arn:care']);
  await assert.rejects(credentialsFor('4000002'), {
    name: 'ConfigError',
    message: /no X credentials secret for account 4000002/,
  });
  process.env.TEST_ACCOUNT_SECRET_ARNS = 'not json';
  assert.throws(
    () => secretsByAccount(stub.client, 'TEST_ACCOUNT_SECRET_ARNS', [], 'X credentials'),
    /TEST_ACCOUNT_SECRET_ARNS must be a JSON object/,
  );
});

test('Meta page tokens and the app secret come from their environment variables', async () => {
  process.env.META_ACCOUNT_SECRET_ARNS = JSON.stringify({ '17841400000000001': 'arn:ig' });
  process.env.META_SECRET_ARN = 'arn:app';
  const { client } = stubClient({
    'arn:ig': '{"pageAccessToken":"page-token"}',
    'arn:app': '{"appSecret":"app-secret","verifyToken":"v"}',
  });
  const tokens = metaPageTokensFromEnv(client);
  assert.equal(await tokens.tokenFor('17841400000000001'), 'page-token');
  assert.equal(await tokens.appSecret?.(), 'app-secret');
  delete process.env.META_SECRET_ARN;
  assert.equal(metaPageTokensFromEnv(client).appSecret, undefined, 'no app secret: no appsecret_proof');
});
