import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from '@jest/globals';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map(Number);
  return [a, b, c];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Whether `version` satisfies an npm engines range of the forms packages use (>=, >, <, <=, ^, ~, x, ||). */
function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/([<>=^~]+)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
      .every((comparator) => {
        const [, op = '', bound = '*'] = /^([<>=^~]*)v?(.*)$/.exec(comparator) ?? [];
        if (bound === '*' || bound === 'x') return true;
        const parts = bound.split('.').filter((p) => p !== 'x' && p !== '*');
        const b = parse(bound);
        if (op === '>=') return compare(v, b) >= 0;
        if (op === '>') return compare(v, b) > 0;
        if (op === '<') return compare(v, b) < 0;
        if (op === '<=') return compare(v, b) <= 0;
        if (op === '^') return v[0] === b[0] && compare(v, b) >= 0;
        if (op === '~') return v[0] === b[0] && v[1] === b[1] && compare(v, b) >= 0;
        // A bare version: 20 means 20.x, 20.19 means 20.19.x.
        return parts.every((p, i) => v[i] === Number(p));
      }),
  );
}

const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
const minimum = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];

test('package.json names the lowest Node.js version as >=MAJOR.MINOR', () => {
  assert.ok(minimum, `engines.node is "${pkg.engines.node}"`);
});

test('README and .ci/run name the same lowest Node.js version as engines, and npm refuses a lower one', () => {
  assert.match(read('README.md'), new RegExp(`Node\\.js ${minimum!.replace('.', '\\.')} or later`));
  assert.match(read('.ci/run'), new RegExp(`^NODE_MIN=${minimum!.replace('.', '\\.')}$`, 'm'));
  assert.match(read('.npmrc'), /^engine-strict=true$/m, 'npm ci fails below engines instead of warning');
});

test('every locked package runs on the lowest Node.js version we support (no EBADENGINE on npm ci)', () => {
  const lock = JSON.parse(read('package-lock.json')) as {
    packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
  };
  const lowest = `${minimum}.0`;
  const refusing = Object.entries(lock.packages)
    .filter(([path]) => path !== '')
    .flatMap(([path, entry]) => {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      return range && !satisfies(lowest, range) ? [`${path}@${entry.version}: node ${range}`] : [];
    });
  assert.deepEqual(refusing, [], `packages that refuse Node.js ${lowest}`);
});

test('the range check reads the forms packages use', () => {
  assert.ok(satisfies('20.19.0', '>=20.19'));
  assert.ok(!satisfies('20.18.1', '>=20.19'));
  assert.ok(satisfies('20.19.0', '18 || 20 || >=22'));
  assert.ok(!satisfies('20.19.0', '>=22'));
  assert.ok(satisfies('20.19.0', '^18.18.0 || ^20.9.0 || >=21.1.0'));
  assert.ok(satisfies('20.19.0', '>= 14.0.0'));
  assert.ok(satisfies('20.19.0', '*'));
  assert.ok(!satisfies('20.19.0', '^18.0.0'));
});
