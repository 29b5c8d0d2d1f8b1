import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@jest/globals';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../../lib/lambda-bundling';

// A function bundled as the stack bundles it still finds the role's credentials where Lambda puts them,
// and carries none of the credential chain it cannot use.
test('a Lambda bundle reads its credentials from the environment and leaves the rest of the chain out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'socialcare-bundling-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { SQSClient } from '@aws-sdk/client-sqs';
       export const handler = async () => {
         const client = new SQSClient({ region: 'eu-west-1' });
         const credentials = await client.config.credentials();
         return { accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken };
       };`,
    );
    const outfile = join(dir, 'index.js');
    const result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      ...LAMBDA_BUNDLING,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      external: [...LAMBDA_BUNDLING.external],
      nodePaths: [join(process.cwd(), 'node_modules')],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    for (const left of ['credential-provider-ini', 'credential-provider-sso', 'nested-clients', 'bowser'])
      assert.equal(
        inputs.some((path) => path.includes(left)),
        false,
        `${left} should not be in the bundle`,
      );
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(outfile)}).handler().then((c) => process.stdout.write(JSON.stringify(c)))`,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_ACCESS_KEY_ID: 'AKIDLAMBDA',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_SESSION_TOKEN: 'session',
        },
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { accessKeyId: 'AKIDLAMBDA', sessionToken: 'session' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
