import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../functions/local-runtime/free-port';

export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSX_CLI = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

/** Every process group started here, killed when this process exits however it exits. */
const groups = new Set<number>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    groups.clear();
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export interface ChildOptions {
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** Where the child's stdout and stderr go. @default ignored */
  logFile?: string;
}

export interface ChildHandle {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole group at once: a crash of the process and everything it started. */
  kill(): Promise<void>;
}

/** Starts a command in a process group of its own, so it and its children (tsx, node, java) go together. */
export function startChild(command: string, args: string[], options: ChildOptions = {}): ChildHandle {
  installExitHook();
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', log ? 'pipe' : 'ignore', log ? 'pipe' : 'ignore'],
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...options.env,
    },
  });
  if (log) {
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  groups.add(pid);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone
    }
  };
  /** The group outlives its leader when a child ignores the signal: wait for the last member too. */
  const groupGone = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        process.kill(-pid, 0);
      } catch {
        return true;
      }
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const finish = () => {
    groups.delete(pid);
    log?.end();
  };
  return {
    child,
    pid,
    exited,
    async stop(graceMs = 15_000) {
      signalGroup('SIGTERM');
      if (!(await groupGone(graceMs))) signalGroup('SIGKILL');
      await groupGone(5000);
      finish();
    },
    async kill() {
      signalGroup('SIGKILL');
      await groupGone(5000);
      finish();
    },
  };
}

export interface SystemProcess extends ChildHandle {
  url: string;
  port: number;
}

export interface SystemOptions {
  dataDir: string;
  secret: string;
  token: string;
  port?: number;
  logFile?: string;
  env?: Record<string, string>;
  /** @default 120 s: DynamoDB Local's first start on a busy machine is slow. */
  readyTimeoutMs?: number;
}

/** `tsx bin/socialcare.ts start` in its own process group, ready when /healthz answers 200. */
export async function startSystemProcess(options: SystemOptions): Promise<SystemProcess> {
  const port = options.port ?? (await freePort());
  const handle = startChild(process.execPath, [TSX_CLI, 'bin/socialcare.ts', 'start'], {
    ...(options.logFile ? { logFile: options.logFile } : {}),
    env: {
      PORT: String(port),
      SOCIALCARE_DATA_DIR: options.dataDir,
      X_CONSUMER_SECRET: options.secret,
      SOCIALCARE_API_TOKEN: options.token,
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  let exitCode: number | null | undefined;
  void handle.exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) {
      await handle.kill();
      throw new Error(
        `socialcare start exited (${exitCode}) before it was ready${options.logFile ? `; see ${options.logFile}` : ''}`,
      );
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await handle.kill();
      throw new Error(`socialcare start was not ready within ${options.readyTimeoutMs ?? 120_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ...handle, url, port };
}

/**
 * The DynamoDB Local (java) processes in a process group, or started by a given parent process: what
 * the DynamoDB fault pauses.
 */
export async function dynamoLocalPids(where: {
  pgid?: number;
  ppid?: number;
  /** Only the one listening on this port. */
  port?: number;
}): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (where.pgid !== undefined && Number(fields[2]) !== where.pgid) continue;
      if (where.ppid !== undefined && Number(fields[1]) !== where.ppid) continue;
      const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8');
      const args = cmdline.split('\0');
      const port = args[args.indexOf('-port') + 1];
      if (!cmdline.includes('DynamoDBLocal')) continue;
      if (where.port !== undefined && port !== String(where.port)) continue;
      pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
