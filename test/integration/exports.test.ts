import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, test } from '@jest/globals';
import { S3ExportSink } from '../../functions/adapters/aws/s3-export-sink';
import { runExportCommand } from '../../functions/cli/export-command';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { mention } from '../e2e/support';
import { twoBrandConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from './support';

// Exports against the running local system: the API makes the file and answers a link, the CLI
// streams the link's file out, messages are as stored (masked), the brand and role rules hold; and
// the S3 sink (what AWS runs) against the embedded S3 of fauxqs, multipart and pre-signed link included.

let system: LocalSystem;
let supervisor = '';
let agent = '';

async function addAgent(body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${system.url}/api/agents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 201);
  return ((await response.json()) as { token: string }).token;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _: string, done: () => void) {
    this.text += chunk.toString('utf8');
    done();
  }
}

const FROM = new Date(Date.now() - 3_600_000).toISOString();

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: twoBrandConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    visibilityTimeoutSeconds: 1,
    slaIntervalMs: 3_600_000,
  });
  supervisor = await addAgent({ name: 'Sue Export', brands: ['demoair'], role: 'supervisor' });
  agent = await addAgent({ name: 'Ana Export', brands: ['demoair'], role: 'agent' });
  const posts = [
    {
      id: '1895000000000000001',
      author: '8201',
      text: '@DemoAir my card 4111 1111 1111 1111 was charged twice, "why"?',
    },
    { id: '1895000000000000002', author: '8202', text: '@DemoAir lost my bag, flight KL641, help' },
  ];
  for (const post of posts) {
    const sent = await postX(
      system.url,
      mention({ ...post, handle: `c${post.author}`, name: `C ${post.author}` }),
    );
    assert.equal(sent.status, 200);
  }
  const bank = mention({
    id: '1895000000000000003',
    author: '8203',
    handle: 'c8203',
    name: 'C 8203',
    text: '@NorthBank my account is blocked',
    to: '4100001',
  });
  assert.equal((await postX(system.url, bank)).status, 200);
  for (const id of ['1895000000000000001', '1895000000000000002', '1895000000000000003'])
    await waitFor(`case x-${id}`, () => system.store.getCase(`x-${id}`));
});

afterAll(async () => {
  await system?.stop();
});

test("socialcare export cases: the brand's cases of the period as CSV, streamed from the link the API made", async () => {
  const out = new Collect();
  const made = await runExportCommand({
    url: system.url,
    token: supervisor,
    kind: 'cases',
    brand: 'demoair',
    from: FROM,
    format: 'csv',
    output: out,
  });
  const lines = out.text.split('\r\n').filter(Boolean);
  assert.match(lines[0] as string, /^caseId,brandId,channel,status,priority,sentiment,/);
  assert.equal(lines.length, 3, out.text);
  assert.ok(lines.some((l) => l.startsWith('x-1895000000000000001,demoair,x public,open,')));
  assert.doesNotMatch(out.text, /northbank|1895000000000000003/);
  assert.match(made.name, /^cases-demoair-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  assert.equal(made.bytes, Buffer.byteLength(out.text));
});

test('socialcare export messages: JSON lines, as stored (the card number masked)', async () => {
  const out = new Collect();
  await runExportCommand({
    url: system.url,
    token: supervisor,
    kind: 'messages',
    brand: 'demoair',
    from: FROM,
    format: 'jsonl',
    output: out,
  });
  const rows = out.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, string>);
  assert.equal(rows.length, 2);
  const charged = rows.find((r) => r.caseId === 'x-1895000000000000001')!;
  assert.equal(charged.direction, 'in');
  assert.doesNotMatch(charged.text!, /4111 1111 1111 1111/);
  assert.match(charged.text!, /charged twice/);
});

test('the audit trail and the report export too; the exports themselves are on the audit trail', async () => {
  const report = new Collect();
  await runExportCommand({
    url: system.url,
    token: supervisor,
    kind: 'report',
    brand: 'demoair',
    from: FROM,
    output: report,
  });
  assert.match(report.text, /^brandId,channel,cases,answered,responseRate,/);
  assert.match(report.text, /\r\ndemoair,x public,2,0,0,/);
  const audit = new Collect();
  await runExportCommand({
    url: system.url,
    token: supervisor,
    kind: 'audit',
    brand: 'demoair',
    from: FROM,
    format: 'jsonl',
    output: audit,
  });
  const exports = audit.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { action: string; detail: { kind: string } })
    .filter((e) => e.action === 'export');
  assert.deepEqual(
    exports.map((e) => e.detail.kind),
    ['cases', 'messages', 'report'],
  );
});

test("another brand's export is 404, an agent's 403, and a link that was never made 404", async () => {
  const ask = (token: string, path: string) =>
    fetch(`${system.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => {
      await r.text();
      return r.status;
    });
  assert.equal(await ask(supervisor, '/api/exports/cases?brand=northbank'), 404);
  assert.equal(await ask(agent, '/api/exports/cases?brand=demoair'), 403);
  await assert.rejects(
    runExportCommand({
      url: system.url,
      token: agent,
      kind: 'messages',
      brand: 'demoair',
      output: new Collect(),
    }),
    /403/,
  );
  assert.equal(await ask(supervisor, '/exports/AAAAAAAAAAAAAAAAAAAAAAAA/cases-demoair.csv'), 404);
});

test('the S3 sink (AWS) writes a multipart object and answers a pre-signed link that serves it', async () => {
  const s3 = new S3Client({
    endpoint: system.queues.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'socialcare-exports-test' }));
  const sink = new S3ExportSink(s3, 'socialcare-exports-test', () => new Date(), 5 * 1024 * 1024);
  const line = `${'z'.repeat(1023)}\n`;
  async function* chunks() {
    for (let i = 0; i < 12; i += 1) yield line.repeat(1024); // 12 MiB: three parts
  }
  const stored = await sink.store({ name: 'cases-demoair.csv', contentType: 'text/csv' }, chunks());
  assert.equal(stored.bytes, 12 * 1024 * 1024);
  assert.match(stored.url, /X-Amz-Signature=/);
  assert.match(stored.url, /X-Amz-Expires=900/);
  const got = await fetch(stored.url);
  assert.equal(got.status, 200);
  const body = Buffer.from(await got.arrayBuffer());
  assert.equal(body.length, 12 * 1024 * 1024);
  const small = await sink.store(
    { name: 'report-demoair.csv', contentType: 'text/csv' },
    (async function* () {
      yield 'a,b\r\n';
    })(),
  );
  assert.equal(await (await fetch(small.url)).text(), 'a,b\r\n');
  s3.destroy();
});
