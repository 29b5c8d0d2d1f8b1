import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * How every Lambda is bundled, in one place: the stack (lib/constructs/socialcare-function.ts) and the
 * cold-start bench (bench/cold-start.ts) both read it, so the bench measures what is deployed.
 * Minified CJS for Node.js 22 with the AWS SDK inside (the versions in package-lock.json), less what
 * can never run in a Lambda:
 * - `bowser` parses a browser's user agent; the SDK imports it lazily on its browser path only.
 * - the Node credential chain: Lambda's credentials are environment variables (see lambda-credentials.ts).
 */
export const LAMBDA_BUNDLING = {
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: ['bowser'],
  alias: {
    '@aws-sdk/credential-provider-node': `${PROJECT_ROOT}functions/commons/lambda-credentials.ts`,
  },
} as const;
