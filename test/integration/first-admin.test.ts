import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from '@jest/globals';
import { startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig } from '../helpers';
import { api, X_SECRET } from './support';

// Without SOCIALCARE_API_TOKEN the first start creates an administrator and hands its token over
// once (only its hash is kept); later starts on the same data create none, and the token still works.

const dataDir = mkdtempSync(join(tmpdir(), 'socialcare-first-admin-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('the first start creates an administrator whose token is shown once and stored only hashed', async () => {
  const handed: Array<{ id: string; token: string; url: string }> = [];
  const start = () =>
    startLocalSystem({
      brandConfig: demoConfig(),
      port: 0,
      dataDir,
      xConsumerSecret: X_SECRET,
      onFirstAdmin: (admin) => handed.push(admin),
    });
  const first = await start();
  let token: string;
  try {
    assert.equal(handed.length, 1);
    token = handed[0]!.token;
    assert.match(token, /^sc_/);
    assert.equal(handed[0]!.url, `${first.url}/#token=${token}`);
    const me = await api(first.url, '/api/me', token);
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'admin');
    assert.deepEqual(me.body.brands, ['*']);
    // The shipped development token is gone: nothing but the printed token gets in.
    assert.equal((await api(first.url, '/api/me', 'local-dev-token')).status, 401);
    assert.equal((await api(first.url, '/api/me', null)).status, 401);
  } finally {
    await first.stop();
  }
  // Nowhere in the data folder is the token itself.
  for (const file of filesUnder(dataDir)) {
    assert.ok(!readFileSync(file).includes(token), `${file} holds the token`);
  }
  const second = await start();
  try {
    assert.equal(handed.length, 1, 'no second administrator');
    assert.equal((await api(second.url, '/api/me', token)).body.id, handed[0]!.id);
  } finally {
    await second.stop();
  }
});
