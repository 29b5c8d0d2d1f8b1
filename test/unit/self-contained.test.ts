import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@jest/globals';

const root = fileURLToPath(new URL('../../', import.meta.url));

function files(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'node_modules' ? [] : files(path);
    return /\.(ts|mjs|js|json|md|java)$/.test(name) ? [path] : [];
  });
}

// Everything the system runs and tests with; bench/ and the training scripts (scripts/) may read data from a
// given path, ../shared/data by default (see docs/architecture.md).
const RUNTIME_AND_TESTS = ['bin', 'lib', 'functions', 'console/src', 'test', 'config'];

test('runtime code and tests use nothing outside the repository', () => {
  const outside = RUNTIME_AND_TESTS.flatMap(files).filter((path) =>
    /\.\.\/shared\b|\/work\/shared|\/work\/wt/.test(readFileSync(join(root, path), 'utf8')),
  );
  assert.deepEqual(
    outside.filter((path) => path !== relative(root, fileURLToPath(import.meta.url))),
    [],
  );
});

test('no file cites a design page the repository does not hold; the architecture page is there', () => {
  assert.ok(existsSync(join(root, 'docs/architecture.md')));
  const citing = [...RUNTIME_AND_TESTS, 'docs', 'bench']
    .flatMap(files)
    .concat(['README.md'])
    .filter((path) => path !== relative(root, fileURLToPath(import.meta.url)))
    .filter((path) => /\bDESIGN\.md\b/.test(readFileSync(join(root, path), 'utf8')));
  assert.deepEqual(citing, []);
});
