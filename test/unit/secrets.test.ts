import assert from 'node:assert/strict';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, test } from '@jest/globals';
import { metaPageTokensFromEnv } from '../../functions/adapters/aws/meta-page-tokens';
import { secretField, secretJson, secretsByAccount } from '../../functions/adapters/aws/secrets';
import {
  GENERIC_SIGNATURE_HEADER,
  GENERIC_SOURCE_HEADER,
  signGenericPayload,
} from '../../functions/channels/generic/signature';
import { createGenericWebhook } from '../../functions/channels/generic/webhook';
import { signMetaPayload } from '../../functions/channels/meta/signature';
import { createMetaWebhook } from '../../functions/channels/meta/webhook';
import { signXPayload } from '../../functions/channels/x/signature';
import { createXWebhook } from '../../functions/channels/x/webhook';
import { RecordingDeadLetters, RecordingQueue } from '../fakes/in-memory';
import { demoDirectory, httpEvent } from '../helpers';

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

test('refresh reads the secret again at most once a minute after the last read', async () => {
  const stub = stubClient({ s: '{"consumerSecret":"old"}' });
  let clock = 0;
  const read = secretField(stub.client, 's', 'consumerSecret', () => clock);
  assert.equal(await read(), 'old');
  stub.values.s = '{"consumerSecret":"new"}';
  clock = 59_999;
  assert.equal(await read.refresh?.(), false, 'read less than a minute ago: not again');
  assert.equal(await read(), 'old');
  clock = 60_000;
  assert.equal(await read.refresh?.(), true);
  assert.equal(await read(), 'new');
  assert.equal(await read.refresh?.(), false, 'just read');
  assert.deepEqual(stub.calls, ['s', 's'], 'the first read and one refresh');
});

test('a refresh that fails keeps the secret in use: no request waits on or fails with Secrets Manager until a later refresh reads the new one', async () => {
  const stub = stubClient({ s: '{"appSecret":"a"}' });
  let clock = 0;
  const read = secretField(stub.client, 's', 'appSecret', () => clock);
  await read();
  stub.values.s = new Error('ThrottlingException');
  clock = 120_000;
  assert.equal(await read.refresh?.(), false);
  stub.values.s = '{"appSecret":"b"}';
  assert.equal(await read(), 'a', 'the value in use, read from no one');
  assert.deepEqual(stub.calls, ['s', 's']);
  clock = 180_000;
  assert.equal(await read.refresh?.(), true);
  assert.equal(await read(), 'b');
});

test('webhooks: a secret rotated in Secrets Manager is used at the first refused signature, re-read at most once a minute', async () => {
  const stub = stubClient({
    x: '{"consumerSecret":"x-old"}',
    meta: '{"appSecret":"m-old","verifyToken":"v"}',
    generic: '{"yelp":"y-old"}',
  });
  let clock = 1_000_000;
  const now = () => clock;
  const queue = new RecordingQueue();
  const deadLetters = new RecordingDeadLetters();
  const directory = demoDirectory();
  const x = createXWebhook({
    consumerSecret: secretField(stub.client, 'x', 'consumerSecret', now),
    directory,
    queue,
    deadLetters,
  });
  const meta = createMetaWebhook({
    appSecret: secretField(stub.client, 'meta', 'appSecret', now),
    verifyToken: secretField(stub.client, 'meta', 'verifyToken', now),
    directory,
    queue,
    deadLetters,
  });
  const genericSecrets = secretJson<Record<string, string>>(stub.client, 'generic', [], now);
  const generic = createGenericWebhook({
    sourceSecret: Object.assign(async (source: string) => (await genericSecrets())[source], {
      refresh: genericSecrets.refresh,
    }),
    directory,
    queue,
    deadLetters,
  });
  const xBody = '{"data":[]}';
  const metaBody = '{"object":"page","entry":[]}';
  const genericBody = JSON.stringify({ items: [] });
  const postX = (secret: string) =>
    x(
      httpEvent({
        method: 'POST',
        path: '/webhooks/x',
        body: xBody,
        headers: { 'x-twitter-webhooks-signature': signXPayload(secret, xBody) },
      }),
    );
  const postMeta = (secret: string) =>
    meta(
      httpEvent({
        method: 'POST',
        path: '/webhooks/meta',
        body: metaBody,
        headers: { 'x-hub-signature-256': signMetaPayload(secret, metaBody) },
      }),
    );
  const postGeneric = (source: string, secret: string) =>
    generic(
      httpEvent({
        method: 'POST',
        path: '/webhooks/generic',
        body: genericBody,
        headers: {
          [GENERIC_SOURCE_HEADER]: source,
          [GENERIC_SIGNATURE_HEADER]: signGenericPayload(secret, Math.floor(Date.now() / 1000), genericBody),
        },
      }),
    );

  // Warm: each secret read once.
  assert.notEqual((await postX('x-old')).statusCode, 401);
  assert.notEqual((await postMeta('m-old')).statusCode, 401);
  assert.notEqual((await postGeneric('yelp', 'y-old')).statusCode, 401);
  const reads = () => stub.calls.length;
  assert.equal(reads(), 3);

  // Rotated in Secrets Manager; a minute later the platforms sign with the new values.
  stub.values.x = '{"consumerSecret":"x-new"}';
  stub.values.meta = '{"appSecret":"m-new","verifyToken":"v"}';
  stub.values.generic = '{"yelp":"y-new","trustpilot":"t-new"}';
  clock += 60_000;
  assert.notEqual((await postX('x-new')).statusCode, 401, 'X: refused once, re-read, accepted');
  assert.notEqual((await postMeta('m-new')).statusCode, 401, 'Meta: likewise');
  assert.notEqual((await postGeneric('trustpilot', 't-new')).statusCode, 401, 'a source added since');
  assert.notEqual((await postGeneric('yelp', 'y-new')).statusCode, 401, 'and the rotated one');
  assert.equal(reads(), 6, 'one new read per secret');

  // A flood of wrong signatures: no more reads within the minute.
  for (let i = 0; i < 5; i++) {
    assert.equal((await postX('forged')).statusCode, 401);
    assert.equal((await postMeta('forged')).statusCode, 401);
    assert.equal((await postGeneric('yelp', 'forged')).statusCode, 401);
  }
  assert.equal(reads(), 6);
  assert.equal((await x(httpEvent({ method: 'POST', path: '/webhooks/x', body: xBody }))).statusCode, 401);
  assert.equal(reads(), 6, 'an unsigned request never causes a read');
});
