import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, test } from '@jest/globals';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig } from '../helpers';
import { API_TOKEN, X_SECRET } from './support';

let system: LocalSystem;

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    slaIntervalMs: 3_600_000,
  });
});
afterAll(() => system?.stop());

/** This process and its descendants (the JVM of DynamoDB Local), from /proc. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1] as string);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Listening TCP sockets (state 0A) of the given inodes: address as /proc writes it, and port. */
function listening(inodes: Set<string>): Array<{ address: string; port: number }> {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && inodes.has(f[9] as string))
      .map((f) => {
        const [address, port] = (f[1] as string).split(':') as [string, string];
        return { address, port: Number.parseInt(port, 16) };
      }),
  );
}

const LOOPBACK = new Set([
  '0100007F', // 127.0.0.1
  '00000000000000000000000001000000', // ::1
  '0000000000000000FFFF00000100007F', // ::ffff:127.0.0.1
]);

(!existsSync('/proc/net/tcp') && 'needs Linux /proc' ? test.skip : test)(
  'every socket the local system listens on is on loopback: DynamoDB Local, fauxqs, the HTTP server, the stand-in',
  () => {
    const pids = processTree(process.pid);
    assert.ok(pids.length > 1, 'DynamoDB Local runs as a child process');
    const inodes = new Set(pids.flatMap((pid) => [...socketInodes(pid)]));
    const sockets = listening(inodes);
    const ports = [system.url, system.dynamo.endpoint, system.queues.endpoint, system.standIn.url].map(
      (url) => Number(new URL(url).port),
    );
    for (const port of ports) {
      assert.ok(
        sockets.some((s) => s.port === port),
        `port ${port} is among the listening sockets found (${JSON.stringify(sockets)})`,
      );
    }
    const open = sockets.filter((s) => !LOOPBACK.has(s.address));
    assert.deepEqual(open, [], 'no socket on 0.0.0.0, :: or another interface');
  },
);

test('DynamoDB Local answers no browser origin (CORS is not left at every origin)', async () => {
  const response = await fetch(system.dynamo.endpoint, {
    method: 'OPTIONS',
    headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' },
  });
  await response.arrayBuffer();
  assert.equal(response.headers.get('access-control-allow-origin'), null);
});
