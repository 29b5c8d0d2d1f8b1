#!/usr/bin/env -S npx tsx
// npx tsx bench/bundle-contents.ts [function ...] [--top N]: what each Lambda bundle carries, from
// esbuild's metafile, bundled as the stack bundles it (lib/lambda-bundling.ts). Per package (or our
// folder) the bytes it puts in the minified bundle, largest first; then our largest files. The first
// thing to look at when a bundle outgrows its budget (bench/budgets.json).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../functions/commons/brand-config-file';
import { lambdaBuildOptions } from '../lib/lambda-bundling';
import { PROJECT_ROOT } from './system-process';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
const asked = args.filter((arg, i) => !arg.startsWith('--') && i !== topAt + 1);
const all = readdirSync(join(PROJECT_ROOT, 'functions'))
  .filter((name) => existsSync(join(PROJECT_ROOT, 'functions', name, 'handler.ts')))
  .sort();
const names = asked.length ? asked : all;
const brandConfigJson = JSON.stringify(readBrandConfigFile(DEMO_CONFIG_PATH));
const workDir = mkdtempSync(join(tmpdir(), 'socialcare-bundle-contents-'));
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`.padStart(10);

try {
  for (const name of names) {
    const outfile = join(workDir, name, 'index.js');
    const { metafile } = await build({
      ...lambdaBuildOptions(name, outfile, brandConfigJson),
      metafile: true,
    });
    const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
    if (!output) throw new Error(`${name}: no bundle`);
    const byPackage = new Map<string, number>();
    const ours: Array<[string, number]> = [];
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
      const key = pkg ?? path.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
      if (!pkg) ours.push([path, bytesInOutput]);
    }
    console.log(`\n${name}: ${kib(output.bytes).trim()}`);
    for (const [key, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${kib(bytes)}  ${key}`);
    console.log('  our largest files:');
    for (const [path, bytes] of ours.sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 8)))
      console.log(`${kib(bytes)}  ${path}`);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
