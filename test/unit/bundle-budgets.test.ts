import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { build, type Metafile } from 'esbuild';
import { type Budget, withinBudget } from '../../bench/cold-start';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../../functions/commons/brand-config-file';
import { copyFilesBesideBundle, FILES_BESIDE_BUNDLE, lambdaBuildOptions } from '../../lib/lambda-bundling';

// Every Lambda bundled as the stack bundles it (lib/lambda-bundling.ts) and held to its size budget in
// bench/budgets.json: a dependency or a feature that makes a bundle outgrow it fails here, in CI,
// long before anyone runs the cold-start bench. Sizes only: load times are the bench's (they depend on
// the machine).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const budgets = (
  JSON.parse(readFileSync(join(ROOT, 'bench/budgets.json'), 'utf8')) as {
    functions: Record<string, Budget>;
  }
).functions;
const lambdas = readdirSync(join(ROOT, 'functions'))
  .filter((name) => existsSync(join(ROOT, 'functions', name, 'handler.ts')))
  .sort();

interface Built {
  bundleKiB: number;
  besideKiB: Record<string, number>;
  metafile: Metafile;
  code: string;
}

/** Whether an SDK client has an operation whose input or output is an event stream. */
function streamsEvents(client: string): boolean {
  const models = join(ROOT, 'node_modules/@aws-sdk', client, 'dist-types/models');
  return readdirSync(models).some((file) => /AsyncIterable</.test(readFileSync(join(models, file), 'utf8')));
}

const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const built = new Map<string, Built>();
let workDir = '';

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'socialcare-budgets-'));
  const brandConfigJson = JSON.stringify(readBrandConfigFile(DEMO_CONFIG_PATH));
  for (const name of lambdas) {
    const outfile = join(workDir, name, 'index.js');
    const result = await build({ ...lambdaBuildOptions(name, outfile, brandConfigJson), metafile: true });
    const beside = copyFilesBesideBundle(outfile);
    built.set(name, {
      bundleKiB: kib(statSync(outfile).size),
      besideKiB: Object.fromEntries(
        beside.map((file) => [file, kib(statSync(join(workDir, name, file)).size)]),
      ),
      metafile: result.metafile,
      code: readFileSync(outfile, 'utf8'),
    });
  }
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('Lambda bundle budgets (bench/budgets.json)', () => {
  test('every Lambda has a budget of at most 500 KiB and 100 ms, and every budget a Lambda', () => {
    assert.deepEqual(Object.keys(budgets).sort(), lambdas);
    for (const [name, budget] of Object.entries(budgets)) {
      assert.ok(
        budget.bundleKiB <= 500 || budget.overTheLimitBecause,
        `${name}: ${budget.bundleKiB} KiB is over the 500 KiB limit`,
      );
      assert.ok(budget.loadMs <= 100, `${name}: ${budget.loadMs} ms is over the 100 ms limit`);
    }
  });

  test.each(lambdas)('%s fits its budget', (name) => {
    const bundle = built.get(name) as Built;
    assert.deepEqual(
      withinBudget(bundle, budgets[name] as Budget),
      [],
      `${name} is over budget; see what it carries with esbuild's metafile (bench/README.md, Cold start)`,
    );
  });

  test('a file a bundle requires from beside itself is one the stack puts there', () => {
    const beside = new Set(Object.keys(FILES_BESIDE_BUNDLE));
    for (const [name, { code }] of built) {
      for (const [, request] of code.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
        assert.ok(beside.has(request as string), `${name} requires ${request}, which is not beside it`);
      }
    }
    // The model's weights are required only by the function that reads sentiment.
    assert.deepEqual(
      [...built]
        .filter(([, b]) => Object.keys(b.besideKiB).length)
        .map(([name, b]) => [name, Object.keys(b.besideKiB)]),
      [['triage', ['care-model.json']]],
    );
  });

  test('no bundled AWS SDK client has an operation that streams events (their codec is left out)', () => {
    const clients = new Set<string>();
    for (const { metafile } of built.values()) {
      for (const input of Object.keys(metafile.inputs)) {
        const client = /node_modules\/@aws-sdk\/(client-[^/]+)\//.exec(input)?.[1];
        if (client) clients.add(client);
      }
    }
    assert.ok(clients.size > 0);
    // S3 has one (SelectObjectContent): the check finds it.
    if (existsSync(join(ROOT, 'node_modules/@aws-sdk/client-s3')))
      assert.equal(streamsEvents('client-s3'), true);
    // S3's one event stream is SelectObjectContent, which nothing here calls (the export sink puts
    // objects and presigns reads).
    const neverStreamed = new Set(['client-s3']);
    for (const client of clients) {
      if (neverStreamed.has(client)) continue;
      assert.equal(
        streamsEvents(client),
        false,
        `@aws-sdk/${client} streams events: take @smithy/core/event-streams back in`,
      );
    }
  });

  test('the configuration schemas stay out of the Lambdas (the stack validated the config at synth)', () => {
    for (const [name, { metafile }] of built) {
      const schemas = Object.keys(metafile.inputs).filter((input) => /-schema\.ts$/.test(input));
      assert.deepEqual(schemas, [], `${name} builds configuration schemas at cold start`);
    }
  });
});
