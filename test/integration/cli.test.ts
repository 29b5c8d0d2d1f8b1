import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, test } from '@jest/globals';
import { sqsClient } from '../../functions/adapters/aws/clients';
import { SqsDeadLetters } from '../../functions/adapters/aws/sqs-queues';
import { startEmbeddedQueues } from '../../functions/local-runtime/embedded-queues';

// The command-line tool as a user runs it: exit statuses, messages, pipes. Each child is bounded in time.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'socialcare-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(
  command: string,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? '');
  // A bound, not a timing assumption: these commands take seconds even on a loaded machine.
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
const socialcare = (args: string[], options?: Parameters<typeof run>[2]) =>
  run(process.execPath, ['--import', 'tsx', 'bin/socialcare.ts', ...args], options);

test('socialcare triage writes a line for every input and exits 1 when some of them are errors', async () => {
  const good = await socialcare(['triage'], { stdin: '{"id":"1","text":"my bag is lost"}\n' });
  assert.equal(good.code, 0, good.stderr);
  const mixed = await socialcare(['triage'], {
    stdin: '{"id":"1","text":"my bag is lost"}\nnot json\n{"id":"3","text":"thanks!"}\n',
  });
  assert.equal(mixed.code, 1);
  const lines = mixed.stdout.trim().split('\n');
  assert.equal(lines.length, 3, 'every line answered, in order');
  assert.equal(JSON.parse(lines[2]!).id, '3');
  assert.match(mixed.stderr, /1 of 3 lines had errors/);
});

test('socialcare start with its port taken stops at once, naming PORT, before starting anything', async () => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  const dataDir = join(work, 'second-instance-data');
  try {
    const result = await socialcare(['start'], { env: { PORT: String(port), SOCIALCARE_DATA_DIR: dataDir } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`port ${port} is already in use`));
    assert.match(result.stderr, /set PORT to a free port/);
    assert.equal(existsSync(dataDir), false, 'no DynamoDB started, no data folder read or made');
  } finally {
    taken.close();
  }
});

test('socialcare replay names the URL and what to do when the server is not there', async () => {
  const closed: Server = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const file = join(work, 'one.jsonl');
  await import('node:fs').then((fs) => fs.writeFileSync(file, '{"id":"1","text":"hello"}\n'));
  // A token, as replay needs one (there is no server to check it).
  const result = await socialcare(['replay', file, '--url', `http://127.0.0.1:${port}`, '--token', 'sc_any']);
  assert.notEqual(result.code, 0);
  assert.doesNotMatch(result.stderr, /^socialcare: fetch failed$/m);
  assert.match(result.stderr, new RegExp(`no answer from http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  assert.match(
    result.stderr,
    /is socialcare still running\? Start it \(npm start\) or name the running one with --url/,
  );
});

test('socialcare dlq list: --source lists that source only, and --json | head ends quietly', async () => {
  const queues = await startEmbeddedQueues();
  const client = sqsClient(queues.endpoint);
  try {
    const deadLetters = new SqsDeadLetters(client, queues.deadLetterQueueUrl);
    // Enough output to fill a pipe (64 KiB): `head` closes it while the command still writes.
    const big = 'x'.repeat(8000);
    await deadLetters.park(
      Array.from({ length: 30 }, (_, i) => ({
        source: i % 3 === 0 ? 'x-webhook' : 'triage',
        reason: `reason ${i}`,
        body: `{"n":${i},"pad":"${big}"}`,
      })),
    );
    const listed = await socialcare([
      'dlq',
      'list',
      '--endpoint',
      queues.endpoint,
      '--source',
      'x-webhook',
      '--json',
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    const letters = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string });
    assert.equal(letters.length, 10);
    assert.ok(letters.every((l) => l.source === 'x-webhook'));

    const piped = await run('bash', [
      '-c',
      `"${process.execPath}" --import tsx bin/socialcare.ts dlq list --endpoint ${queues.endpoint} --json | head -n 1 >/dev/null; exit \${PIPESTATUS[0]}`,
    ]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.doesNotMatch(piped.stderr, /EPIPE/);
  } finally {
    client.destroy();
    await queues.stop();
  }
});
