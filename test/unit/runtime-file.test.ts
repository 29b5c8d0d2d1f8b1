import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@jest/globals';
import {
  readRuntimeFile,
  removeRuntimeFile,
  runtimeFilePath,
  writeRuntimeFile,
} from '../../functions/local-runtime/runtime-file';

const info = (pid: number) => ({
  pid,
  startedAt: '2026-11-23T09:00:00.000Z',
  url: 'http://127.0.0.1:3000',
  sqsEndpoint: 'http://127.0.0.1:40797',
  dynamoEndpoint: 'http://127.0.0.1:40798',
  standInUrl: 'http://127.0.0.1:40799',
});

test('the runtime file names the running system; a stale one (its process gone) or a broken one names nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socialcare-runtime-'));
  try {
    assert.equal(readRuntimeFile(dir), undefined, 'no file: no running system');
    writeRuntimeFile(dir, info(process.pid));
    assert.deepEqual(readRuntimeFile(dir), info(process.pid));
    // A process that has exited: the file of a system killed without its stop.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeRuntimeFile(dir, info(Number(gone.stdout.toString())));
    assert.equal(readRuntimeFile(dir), undefined);
    writeFileSync(runtimeFilePath(dir), '{not json');
    assert.equal(readRuntimeFile(dir), undefined);
    // Stop removes its own file only: a second start may have written its own since.
    writeRuntimeFile(dir, info(process.pid));
    removeRuntimeFile(dir, process.pid + 1);
    assert.ok(existsSync(runtimeFilePath(dir)));
    removeRuntimeFile(dir);
    assert.ok(!existsSync(runtimeFilePath(dir)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
