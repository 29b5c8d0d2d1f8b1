// The one test runner: jest, TypeScript through @swc/jest.
//
// The code is ESM ("type": "module"); jest runs it compiled to CommonJS. swc turns `import.meta.url` into
// `pathToFileURL(__filename)`, so modules that find files next to themselves (the brand config, DynamoDB
// Local, the queue thread's bootstrap) work unchanged. This keeps jest's stable module system: plain
// `npx jest <file>` works, without Node's experimental VM-modules flag. Nothing the tests load uses
// top-level await; the queue thread that does runs in a worker thread under tsx, outside jest.

const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.(ts|js)$': swc },
  // node_modules load as they are, except the ESM-only @middy/* packages, which swc compiles too.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  // node:assert/strict with its deep comparisons made blind to jest's VM realms (the file says why).
  moduleNameMapper: { '^(node:)?assert/strict$': '<rootDir>/test/jest/assert-strict.cjs' },
  // The environment every test runs in (quiet logs, no metrics), set before the workers start.
  globalSetup: '<rootDir>/test/jest/global-setup.ts',
  // Two test files at a time, as the node runner did (--test-concurrency=2); each integration file starts
  // and stops its own embedded DynamoDB Local and queues in beforeAll/afterAll.
  maxWorkers: 2,
  // One generous limit for every test and hook, a guard against a hang, never a speed check: at a load of
  // 26 on 2 cores (a shared machine) an integration test took over 300 s and tests that named 120 s
  // failed. A test names a limit only to raise this one.
  testTimeout: 900_000,
  reporters: ['default', '<rootDir>/test/jest/summary-reporter.mjs'],
};
