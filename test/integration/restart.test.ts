import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from '@jest/globals';
import { startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, postX, waitFor, X_SECRET } from './support';

const dataDir = mkdtempSync(join(tmpdir(), 'socialcare-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const start = () =>
  startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    dataDir,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
  });

test('a second start finds the cases of the first, and accepted work is finished before stopping', async () => {
  const first = await start();
  try {
    const { status } = await postX(first.url, fixture('x/mention.json'));
    assert.equal(status, 200);
  } finally {
    // Stop at once: the accepted mention must still be recorded (the embedded queue is drained first).
    await first.stop();
  }
  const second = await start();
  try {
    const found = await waitFor('the case after restart', async () => {
      const { status, body } = await api(second.url, '/api/cases/x-1860000000000000001');
      return status === 200 ? body : undefined;
    });
    assert.equal((found.case as { messageCount: number }).messageCount, 1);
  } finally {
    await second.stop();
  }
});
