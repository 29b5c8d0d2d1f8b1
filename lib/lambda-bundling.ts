import { copyFileSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Files a bundle requires from beside itself instead of carrying them inside: the import path as the
 * source writes it (kept as is by esbuild, as an external) → the file, relative to the project root.
 * The stack copies each into the function's asset next to `index.js` when the bundle requires it; the
 * size budget (bench/budgets.json) names it. The trained sentiment model's weights are 129 KiB of JSON,
 * a quarter of the 500 KiB a bundle may take; `require` reads them from beside the code just the same.
 */
export const FILES_BESIDE_BUNDLE = {
  './care-model.json': 'functions/core/sentiment/care-model.json',
} as const;

/**
 * How every Lambda is bundled, in one place: the stack (lib/constructs/socialcare-function.ts) and the
 * cold-start bench (bench/cold-start.ts) both read it, so the bench measures what is deployed.
 * Minified CJS for Node.js 22 with the AWS SDK inside (the versions in package-lock.json), less what
 * can never run in a Lambda:
 * - `bowser` parses a browser's user agent; the SDK imports it lazily on its browser path only.
 * - the Node credential chain: Lambda's credentials are environment variables (see lambda-credentials.ts).
 * - `@smithy/core/event-streams` (13 KiB): the SDK imports it lazily, for operations that stream
 *   events (Bedrock's InvokeModelWithResponseStream, S3's SelectObjectContent...). None of the
 *   clients we use has one (SQS, SNS, DynamoDB, Comprehend, Secrets Manager: test/unit/bundle-budgets).
 * `mainFields`: a package's ES module build first (esbuild's default for node is `main` first). The
 * AWS SDK clients' CommonJS builds `require` whole submodules of `@smithy/core` and `@aws-sdk/core`
 * (every protocol: CBOR, XML, query, event streams), which esbuild cannot shake; their ES builds
 * import what they use. About 150 KiB less in every bundle.
 */
export const LAMBDA_BUNDLING = {
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  external: ['bowser', '@smithy/core/event-streams', ...Object.keys(FILES_BESIDE_BUNDLE)],
  alias: {
    '@aws-sdk/credential-provider-node': `${PROJECT_ROOT}functions/commons/lambda-credentials.ts`,
  },
} as const;

/**
 * The esbuild options the stack's NodejsFunction passes for `functions/<folder>/handler.ts`, for the
 * benches and tests that bundle a function themselves (bench/cold-start.ts, test/unit/bundle-budgets).
 */
export function lambdaBuildOptions(folder: string, outfile: string, brandConfigJson: string): BuildOptions {
  return {
    entryPoints: [join(PROJECT_ROOT, 'functions', folder, 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    ...LAMBDA_BUNDLING,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    external: [...LAMBDA_BUNDLING.external],
    define: { 'process.env.SOCIALCARE_BRAND_CONFIG_JSON': JSON.stringify(brandConfigJson) },
    logLevel: 'silent',
  };
}

/**
 * Copies beside a built bundle the files it requires from there, as the stack's asset holds them;
 * returns their names.
 */
export function copyFilesBesideBundle(outfile: string): string[] {
  const code = readFileSync(outfile, 'utf8');
  return Object.entries(FILES_BESIDE_BUNDLE)
    .filter(([request]) => code.includes(`require(${JSON.stringify(request)})`))
    .map(([request, file]) => {
      const name = basename(request);
      copyFileSync(join(PROJECT_ROOT, file), join(dirname(outfile), name));
      return name;
    });
}
