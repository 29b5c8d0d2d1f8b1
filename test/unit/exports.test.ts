import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, test } from '@jest/globals';
import { FileExportSink } from '../../functions/adapters/local/file-export-sink';
import { createAgentApi } from '../../functions/agent-api/agent-api';
import { createAuthenticator, hashToken } from '../../functions/core/access/agents';
import { AgentDesk } from '../../functions/core/agent-desk';
import { BrandDirectory } from '../../functions/core/brand-config';
import type { CareCase, CaseMessage } from '../../functions/core/cases';
import {
  CASE_COLUMNS,
  csvField,
  type ExportFile,
  type ExportSink,
  type ExportSource,
  exportLine,
  exportText,
  parseExportRequest,
  runExport,
} from '../../functions/core/exports';
import { LocalPiiDetector } from '../../functions/core/pii';
import {
  InMemoryAgentRegistry,
  InMemoryAuditLog,
  InMemoryCaseStore,
  InMemoryCorrectionStore,
  InMemoryOutboxStore,
  InMemoryPageStore,
  RecordingOutboundQueue,
} from '../fakes/in-memory';
import { httpEvent, twoBrandConfig } from '../helpers';

function sampleCase(n: number, extra: Partial<CareCase> = {}): CareCase {
  const opened = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return {
    caseId: `x-${1_000_000 + n}`,
    brandId: 'demoair',
    platform: 'x',
    status: 'resolved',
    version: 3,
    priority: 'normal',
    priorityReasons: [],
    risks: [],
    sentiment: 'NEGATIVE',
    sentimentScores: { positive: 0.1, negative: 0.8, neutral: 0.1, mixed: 0 },
    sentimentSource: 'local',
    intent: null,
    action: 'agent',
    customer: { platform: 'x', id: String(9_000_000 + n), handle: 'someone', name: 'Some One' },
    accountId: '4000001',
    accountRole: 'care',
    visibility: 'public',
    subject: `my bag never arrived, flight KL${n}, please help ${Buffer.alloc(3000, 'x').toString('latin1')}`,
    openedAt: opened,
    lastInboundAt: opened,
    messageCount: 2,
    firstRespondedAt: new Date(Date.parse(opened) + 600_000).toISOString(),
    firstResponseBy: 'agent',
    resolvedAt: new Date(Date.parse(opened) + 3_600_000).toISOString(),
    resolvedBy: 'agent-1',
    ...extra,
  } as CareCase;
}

describe('CSV fields (RFC 4180) and spreadsheet safety', () => {
  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+31 20 123', "'+31 20 123"],
    ['-1', "'-1"],
    ['@DemoAir', "'@DemoAir"],
    ['', ''],
  ])('%j is written %j', (value, expected) => {
    assert.equal(csvField(value), expected);
  });
  test.each([
    [undefined, ''],
    [null, ''],
    [-5, '-5'],
    [0.25, '0.25'],
    [true, 'true'],
    [['late', 'bag'], 'late;bag'],
    [{ to: 'a,b' }, '"{""to"":""a,b""}"'],
  ])('%j is written %j', (value, expected) => {
    assert.equal(csvField(value as never), expected);
  });
});

test('a case row has one field per column in CSV and the same names in JSON lines; no names or handles', () => {
  const careCase = sampleCase(1, { subject: 'late, "again"\nplease', tags: ['bag', 'late'] });
  const csv = exportLine(CASE_COLUMNS, careCase, 'csv');
  assert.ok(csv.endsWith('\r\n'));
  assert.match(csv, /"late, ""again""\nplease"\r\n$/);
  const json = JSON.parse(exportLine(CASE_COLUMNS, careCase, 'jsonl')) as Record<string, unknown>;
  assert.deepEqual(
    Object.keys(json),
    CASE_COLUMNS.map((c) => c.name).filter((name) => json[name] !== undefined),
  );
  assert.equal(json.customer, `x:${careCase.customer.id}`);
  assert.equal(json.firstResponseSeconds, 600);
  assert.deepEqual(json.tags, ['bag', 'late']);
  assert.doesNotMatch(csv + JSON.stringify(json), /Some One|someone/);
});

test('an export request is checked field by field', () => {
  const now = new Date('2026-06-30T00:00:00Z');
  const base = { kind: 'cases', brand: 'demoair', from: undefined, to: undefined, format: undefined, now };
  const made = parseExportRequest(base);
  assert.deepEqual(made, {
    kind: 'cases',
    brandId: 'demoair',
    from: '2026-05-31T00:00:00.000Z',
    to: '2026-06-30T00:00:00.000Z',
    format: 'csv',
  });
  for (const [bad, field] of [
    [{ kind: 'everything' }, 'kind'],
    [{ brand: undefined }, 'brand'],
    [{ format: 'xlsx' }, 'format'],
    [{ from: '2026-07-01T00:00:00Z' }, 'from'],
    [{ to: 'yesterday' }, 'to'],
  ] as const) {
    assert.throws(
      () => parseExportRequest({ ...base, ...bad }),
      (e: Error & { field?: string }) => e.field === field,
    );
  }
});

/** A case store that makes each page when asked and forgets it after: 10,000 cases, 100 a page. */
function generatedSource(total: number): ExportSource {
  return {
    cases: {
      async *pageCasesOpenedBetween() {
        for (let start = 0; start < total; start += 100) {
          await new Promise((r) => setImmediate(r));
          yield Array.from({ length: Math.min(100, total - start) }, (_, i) => sampleCase(start + i));
        }
      },
      async listMessages(caseId: string): Promise<CaseMessage[]> {
        return [1, 2].map((n) => ({
          caseId,
          direction: n === 1 ? 'in' : 'out',
          platform: 'x',
          platformMessageId: `${caseId}-${n}`,
          kind: 'mention',
          visibility: 'public',
          authorId: '1',
          text: `message ${n} of ${caseId}: card [card number] ${'y'.repeat(800)}`,
          createdAt: '2026-01-01T00:00:00Z',
          receivedAt: '2026-01-01T00:00:00Z',
        }));
      },
    },
    audit: { async *listForBrand() {} },
  };
}

describe('exports stream in bounded memory', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  /** A sink that counts what passes and measures the heap as the export goes, keeping nothing. */
  class MeasuringSink implements ExportSink {
    bytes = 0;
    lines = 0;
    peak = 0;
    measuredAt = 0;
    async store(_file: ExportFile, chunks: AsyncIterable<string>) {
      for await (const chunk of chunks) {
        this.bytes += Buffer.byteLength(chunk);
        for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) this.lines += 1;
        // Measured every 2 MB written (a forced GC each time).
        if (this.bytes - this.measuredAt >= 2_000_000) {
          this.measuredAt = this.bytes;
          this.peak = Math.max(this.peak, heap());
        }
      }
      return { url: 'memory:', expiresAt: '2026-01-01T00:00:00Z', bytes: this.bytes };
    }
  }

  test.each(['cases', 'messages'] as const)(
    '10,000 cases: the %s export passes every row and the heap grows far less than the rows would take',
    async (kind) => {
      const total = 10_000;
      // What holding them all would cost: 1,000 cases measured, times ten. Measured as what letting
      // them go frees (both readings after a full collection), so garbage left by earlier tests or
      // module loading, collected between two readings, cannot make it negative.
      const held = Array.from({ length: 1000 }, (_, i) => sampleCase(i));
      const withHeld = heap();
      assert.equal(held.length, 1000);
      held.length = 0;
      const heldBytes = (withHeld - heap()) * 10;
      assert.ok(heldBytes > 25_000_000, `10,000 cases take ${heldBytes} bytes`);

      const sink = new MeasuringSink();
      const baseline = heap();
      const request = parseExportRequest({
        kind,
        brand: 'demoair',
        from: '2026-01-01T00:00:00Z',
        to: '2026-12-31T00:00:00Z',
        format: 'csv',
        now: new Date(),
      });
      const stored = await runExport(generatedSource(total), sink, request);
      const rows = kind === 'cases' ? total : total * 2;
      assert.equal(sink.lines, rows + 1);
      assert.ok(stored.bytes > (kind === 'cases' ? 30_000_000 : 16_000_000), `wrote ${stored.bytes} bytes`);
      const growth = sink.peak - baseline;
      // Bounded: a page or two of rows in flight, whatever the number of cases.
      assert.ok(growth < heldBytes / 8, `heap grew ${growth} bytes while 10,000 cases take ${heldBytes}`);
      assert.ok(growth < 6_000_000, `heap grew ${growth} bytes`);
      process.stdout.write(
        `${kind}: ${stored.bytes} bytes exported, heap grew ${growth} (all cases: ${heldBytes})\n`,
      );
    },
  );
});

test('the report export reads the cases page by page and writes its rows', async () => {
  const chunks: string[] = [];
  const request = parseExportRequest({
    kind: 'report',
    brand: 'demoair',
    from: '2026-01-01T00:00:00Z',
    to: '2026-12-31T00:00:00Z',
    format: 'jsonl',
    now: new Date(),
  });
  for await (const chunk of exportText(generatedSource(250), request)) chunks.push(chunk);
  const rows = chunks
    .join('')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].channel, 'x public');
  assert.equal(rows[0].cases, 250);
  assert.equal(rows[0].responseRate, 1);
  assert.equal(rows[0].firstResponseP50Seconds, 600);
});

describe('the local file sink', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socialcare-export-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the chunks to a file served once by an unguessable link, until it expires', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    let base = '';
    const sink = new FileExportSink(
      join(dir, 'exports'),
      () => base,
      () => now,
    );
    const server = createServer((req, res) => void sink.serve(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      async function* chunks() {
        yield 'a,b\r\n';
        yield '1,2\r\n';
      }
      const stored = await sink.store({ name: 'cases-demoair.csv', contentType: 'text/csv' }, chunks());
      assert.equal(stored.bytes, 10);
      assert.equal(stored.expiresAt, '2026-03-01T10:15:00.000Z');
      const link = new URL(stored.url);
      const token = link.pathname.split('/')[2] as string;
      assert.ok(token.length >= 24);
      assert.equal(readFileSync(join(dir, 'exports', token, 'cases-demoair.csv'), 'utf8'), 'a,b\r\n1,2\r\n');
      const got = await fetch(stored.url);
      assert.equal(got.status, 200);
      assert.match(got.headers.get('content-disposition') ?? '', /cases-demoair\.csv/);
      assert.equal(await got.text(), 'a,b\r\n1,2\r\n');
      const guessed = await fetch(`${base}/exports/${'A'.repeat(24)}/cases-demoair.csv`);
      assert.equal(guessed.status, 404);
      await guessed.text();
      now = new Date('2026-03-01T10:16:00Z');
      const late = await fetch(stored.url);
      assert.equal(late.status, 404);
      await late.text();
      await sink.sweep();
      assert.throws(() => readFileSync(join(dir, 'exports', token, 'cases-demoair.csv')));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('GET /api/exports/{kind}: brand scoping and roles', () => {
  const ADMIN = 'exports-admin-token';
  const directory = new BrandDirectory(twoBrandConfig());
  const agents = new InMemoryAgentRegistry();
  const store = new InMemoryCaseStore();
  const audit = new InMemoryAuditLog();
  const stored: Array<{ name: string; text: string }> = [];
  const sink: ExportSink = {
    async store(file, chunks) {
      let text = '';
      for await (const chunk of chunks) text += chunk;
      stored.push({ name: file.name, text });
      return {
        url: `https://exports.example/${file.name}`,
        expiresAt: '2026-03-01T10:15:00.000Z',
        bytes: text.length,
      };
    },
  };
  const api = createAgentApi({
    store,
    directory,
    labels: new InMemoryCorrectionStore(),
    pages: new InMemoryPageStore(),
    desk: new AgentDesk({
      directory,
      store,
      outbox: new InMemoryOutboxStore(),
      queue: new RecordingOutboundQueue(),
      pii: new LocalPiiDetector(),
    }),
    agents,
    audit,
    authenticator: createAuthenticator(agents, ADMIN),
    auth: 'token',
    exports: { source: { cases: store, audit }, sink },
    now: () => new Date('2026-03-01T10:00:00Z'),
  });
  const call = async (token: string, path: string) => {
    const [rawPath, search] = path.split('?') as [string, string | undefined];
    const result = await api(
      httpEvent({
        method: 'GET',
        path: rawPath,
        query: Object.fromEntries(new URLSearchParams(search ?? '')),
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
  };
  const addAgent = async (id: string, role: 'agent' | 'supervisor', brands: string[]) => {
    await agents.addAgent({
      id,
      name: id,
      initials: id.slice(0, 2).toUpperCase(),
      role,
      brands,
      teams: [],
      tokenHash: hashToken(`${id}-token`),
      createdAt: '2026-01-01T00:00:00Z',
      createdBy: 'test',
    });
    return `${id}-token`;
  };

  test('a supervisor of the brand gets a link to its cases; the export is audited', async () => {
    await store.openCase(sampleCase(1), {
      caseId: 'x-1000001',
      direction: 'in',
      platform: 'x',
      platformMessageId: '1000001',
      kind: 'mention',
      visibility: 'public',
      authorId: '9000001',
      text: 'where is my bag',
      createdAt: '2026-01-01T00:01:00Z',
      receivedAt: '2026-01-01T00:01:00Z',
    });
    await store.openCase(sampleCase(2, { brandId: 'northbank', caseId: 'x-2' }), {
      caseId: 'x-2',
      direction: 'in',
      platform: 'x',
      platformMessageId: '2',
      kind: 'mention',
      visibility: 'public',
      authorId: '9000002',
      text: 'card blocked',
      createdAt: '2026-01-01T00:02:00Z',
      receivedAt: '2026-01-01T00:02:00Z',
    });
    const sue = await addAgent('sue', 'supervisor', ['demoair']);
    const answer = await call(sue, '/api/exports/cases?brand=demoair&from=2026-01-01T00:00:00Z&format=csv');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.url, 'https://exports.example/cases-demoair-2026-01-01-2026-03-01.csv');
    const text = stored.at(-1)!.text;
    assert.equal(text.split('\r\n').length, 3);
    assert.match(text, /^caseId,brandId,channel,/);
    assert.match(text, /x-1000001/);
    assert.doesNotMatch(text, /northbank/);
    const messages = await call(
      sue,
      '/api/exports/messages?brand=demoair&from=2026-01-01T00:00:00Z&format=jsonl',
    );
    assert.equal(messages.status, 200);
    assert.equal(JSON.parse(stored.at(-1)!.text).text, 'where is my bag');
    const entry = audit.entries.find((e) => e.action === 'export');
    assert.equal(entry?.agentId, 'sue');
    assert.deepEqual(entry?.detail, {
      kind: 'cases',
      format: 'csv',
      from: '2026-01-01T00:00:00Z',
      to: '2026-03-01T10:00:00.000Z',
    });
  });

  test("another brand's export answers 404 as if the brand did not exist; an agent's 403; nothing is written", async () => {
    const sue = await addAgent('sue2', 'supervisor', ['demoair']);
    const ana = await addAgent('ana', 'agent', ['demoair']);
    const before = stored.length;
    assert.equal((await call(sue, '/api/exports/cases?brand=northbank')).status, 404);
    assert.equal((await call(sue, '/api/exports/audit?brand=northbank')).status, 404);
    assert.equal((await call(sue, '/api/exports/cases?brand=nosuchbrand')).status, 404);
    assert.equal((await call(ana, '/api/exports/cases?brand=demoair')).status, 403);
    assert.equal((await call(ana, '/api/exports/messages?brand=demoair')).status, 403);
    assert.equal((await call('wrong-token', '/api/exports/cases?brand=demoair')).status, 401);
    const missing = await call(sue, '/api/exports/cases');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.field, 'brand');
    assert.equal((await call(sue, '/api/exports/cases?brand=demoair&format=xlsx')).status, 400);
    assert.equal((await call(sue, '/api/exports/everything?brand=demoair')).status, 404);
    assert.equal(stored.length, before);
  });
});
