import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, test } from '@jest/globals';
import { FileTokenVault } from '../../functions/adapters/local/file-token-vault';
import { answerXCrc } from '../../functions/channels/x/signature';
import { runXCommand } from '../../functions/cli/x-cli';
import { type PlatformStandIn, startPlatformStandIn } from '../../functions/local-runtime/platform-stand-in';
import { writeRuntimeFile } from '../../functions/local-runtime/runtime-file';
import { demoConfig } from '../helpers';

// `socialcare x …` as a person runs it against `npm start`: the stand-in's URL and the webhook URL come
// from the data folder; the grants are the 0600 files there.
const SECRET = 'cli-test-secret';
let standIn: PlatformStandIn;
let crcServer: Server;
let dataDir: string;

beforeAll(async () => {
  standIn = await startPlatformStandIn({ xConsumerSecret: SECRET });
  crcServer = createServer((request, response) => {
    const token = new URL(request.url ?? '/', 'http://x').searchParams.get('crc_token') ?? '';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answerXCrc(SECRET, token)));
  });
  await new Promise<void>((r) => crcServer.listen(0, '127.0.0.1', () => r()));
  dataDir = mkdtempSync(join(tmpdir(), 'socialcare-x-cli-'));
  const url = `http://127.0.0.1:${(crcServer.address() as AddressInfo).port}`;
  // As `socialcare start` leaves it (this process stands for the running system).
  writeRuntimeFile(dataDir, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    url,
    sqsEndpoint: 'http://127.0.0.1:1',
    dynamoEndpoint: 'http://127.0.0.1:1',
    standInUrl: standIn.url,
  });
  process.env.SOCIALCARE_DATA_DIR = dataDir;
  delete process.env.X_API_BASE_URL;
});

afterAll(async () => {
  await standIn?.stop();
  await new Promise<void>((r) => crcServer.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  let text = '';
  const output = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  await runXCommand(args, { output, loadConfig: () => demoConfig() });
  return text;
}

test('setup before any account is authorized: the webhook and oauth.revoke, and each account named with the command to run', async () => {
  process.exitCode = 0;
  const text = await run('setup');
  assert.match(text, /registered now \(valid\)/);
  assert.match(text, /1 created, 0 already there, 10 failed/);
  assert.match(text, /post\.mention\.create for 4000001: .*socialcare x authorize --account 4000001/);
  assert.equal(process.exitCode, 1, 'a failed subscription fails the command');
  process.exitCode = 0;
});

test('authorize (redirect pasted), then setup completes; a second setup creates nothing; list; remove', async () => {
  const vault = new FileTokenVault(dataDir);
  for (const id of ['4000001', '4000002']) {
    // What the owner's browser does: the stand-in approves and redirects; the redirect URL is pasted.
    const authorize = runXCommandWithPaste(id);
    const text = await authorize;
    assert.match(text, new RegExp(`authorized X account ${id}`));
    assert.ok(await vault.read(id));
  }
  assert.match(await run('setup'), /10 created, 1 already there, 0 failed/);
  assert.match(await run('setup'), /0 created, 11 already there, 0 failed/);
  const listing = JSON.parse(await run('subscriptions', '--json')) as { subscriptions: unknown[] };
  assert.equal(listing.subscriptions.length, 11);
  assert.match(await run('remove', '--webhook'), /removed 11 subscriptions and the webhook/);
  assert.equal(standIn.xAdmin.webhooks().length, 0);
});

test('bad use is refused with what to do', async () => {
  await assert.rejects(run('authorize'), /--account/);
  await assert.rejects(run('authorize', '--account', '999'), /not an X account of the brand config/);
  await assert.rejects(run('setup', '--aws'), /aws lambda invoke .*"action":"setup"/);
  await assert.rejects(run('frobnicate'), /usage: socialcare x/);
});

/** `x authorize --paste`, its stdin fed with the redirect the stand-in answers for the printed URL. */
async function runXCommandWithPaste(accountId: string): Promise<string> {
  const stdin = new PassThrough();
  const original = Object.getOwnPropertyDescriptor(process, 'stdin');
  Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
  const writeError = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    const url = /(http\S+\/i\/oauth2\/authorize\S+)/.exec(String(chunk))?.[1];
    if (url)
      void fetch(url, { redirect: 'manual' }).then((r) => stdin.write(`${r.headers.get('location')}\n`));
    return true;
  }) as typeof process.stderr.write;
  try {
    return await run('authorize', '--account', accountId, '--paste');
  } finally {
    process.stderr.write = writeError;
    if (original) Object.defineProperty(process, 'stdin', original);
  }
}
