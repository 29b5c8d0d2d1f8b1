import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@jest/globals';
import { freePort } from '../../functions/local-runtime/free-port';
import { runtimeFilePath } from '../../functions/local-runtime/runtime-file';
import { loadScale, waitFor } from './support';

// The README and docs/generic-webhook.md as tests: every shell block marked `<!-- test: run -->` is
// run, in the order the page gives it, with bash against a system started as the README says
// (`npm start`, here the same command with a temporary data folder and a free port), so the
// examples a newcomer copies can never drift from what the system does.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Each block gets this long; a block marked `retry` is run again until its output matches. */
const BLOCK_DEADLINE_MS = 90_000;

interface Example {
  file: string;
  line: number;
  code: string;
  /** Texts the output must contain (`expect: …` in the marker). */
  expect: string[];
  /** The block reads what the system does in the background: run it again until it matches. */
  retry: boolean;
}

/**
 * The runnable blocks of a Markdown page: a fenced ```bash or ```sh block right after
 * `<!-- test: run -->`, optionally `<!-- test: run; retry; expect: TEXT; expect: TEXT -->`.
 */
function runnableExamples(file: string, markdown: string): Example[] {
  const examples: Example[] = [];
  const pattern = /<!--\s*test:\s*run\b([^>]*?)-->\s*\n```(?:bash|sh)\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) {
    const options = (match[1] ?? '')
      .split(';')
      .map((o) => o.trim())
      .filter(Boolean);
    const unknown = options.filter((o) => o !== 'retry' && !o.startsWith('expect:'));
    if (unknown.length) throw new Error(`${file}: unknown test marker option(s) ${unknown.join(', ')}`);
    examples.push({
      file,
      line: markdown.slice(0, match.index).split('\n').length,
      code: match[2] as string,
      expect: options.filter((o) => o.startsWith('expect:')).map((o) => o.slice('expect:'.length).trim()),
      retry: options.includes('retry'),
    });
  }
  return examples;
}

interface Run {
  code: number | null;
  output: string;
}

function runBash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const matches = (example: Example, run: Run) =>
  run.code === 0 && example.expect.every((text) => run.output.includes(text));

async function runExample(example: Example, env: NodeJS.ProcessEnv, rewrite: (code: string) => string) {
  const deadline = Date.now() + BLOCK_DEADLINE_MS * loadScale();
  let run: Run;
  for (;;) {
    run = await runBash(rewrite(example.code), env, Math.max(deadline - Date.now(), 1000));
    if (matches(example, run) || !example.retry || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const where = `${example.file}:${example.line}`;
  assert.equal(run.code, 0, `${where} exited ${run.code}:\n${example.code}\n--- output ---\n${run.output}`);
  for (const text of example.expect)
    assert.ok(
      run.output.includes(text),
      `${where}: the output should contain ${text}\n--- output ---\n${run.output}`,
    );
}

/** `socialcare start` as `npm start` runs it (`tsx bin/socialcare.ts start`), in one process. */
async function startAsTheReadmeSays(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; log: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/socialcare.ts', 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  try {
    await waitFor(
      'socialcare start to answer /healthz',
      async () => {
        if (exited) throw new Error(`socialcare start exited:\n${log}`);
        if (!log.includes('socialcare is running at')) return undefined;
        const response = await fetch(`http://127.0.0.1:${env.PORT}/healthz`).catch(() => undefined);
        return response?.ok;
      },
      120_000,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { child, log: () => log };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

const PAGES = ['README.md', 'docs/generic-webhook.md'];

test('the README and the generic webhook page: every runnable example works, in order', async () => {
  const examples = PAGES.flatMap((page) => runnableExamples(page, readFileSync(join(ROOT, page), 'utf8')));
  for (const page of PAGES)
    assert.ok(
      examples.some((e) => e.file === page),
      `${page} has no <!-- test: run --> example`,
    );
  const work = mkdtempSync(join(tmpdir(), 'socialcare-readme-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !name.startsWith('SOCIALCARE_') && !name.startsWith('npm_') && name !== 'PORT',
      ),
    ),
    PORT: String(port),
    SOCIALCARE_DATA_DIR: join(work, 'data'),
    // As the README's first step says: an administrator's token, set before `npm start` and in the
    // shell that runs the examples (they send it as `Authorization: Bearer $SOCIALCARE_API_TOKEN`).
    SOCIALCARE_API_TOKEN: randomBytes(24).toString('hex'),
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
  // The page's port becomes the free one, and its scratch files go to this test's own folder.
  const rewrite = (code: string) =>
    code.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`).replaceAll('/tmp/', `${work}/`);
  const system = await startAsTheReadmeSays(env);
  try {
    assert.ok(
      existsSync(runtimeFilePath(env.SOCIALCARE_DATA_DIR as string)),
      'start writes its runtime file',
    );
    for (const example of examples) {
      try {
        await runExample(example, env, rewrite);
      } catch (error) {
        throw new Error(
          `${(error as Error).message}\n--- socialcare start ---\n${system.log().slice(-4000)}`,
          {
            cause: error,
          },
        );
      }
    }
  } finally {
    const code = await stop(system.child);
    const removed = !existsSync(runtimeFilePath(env.SOCIALCARE_DATA_DIR as string));
    rmSync(work, { recursive: true, force: true });
    assert.equal(code, 0, `socialcare start stopped with ${code}:\n${system.log().slice(-4000)}`);
    assert.ok(removed, 'stop removes the runtime file');
  }
}, 900_000);
