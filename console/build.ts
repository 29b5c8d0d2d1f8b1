/**
 * Builds the agent console (console/src: plain TypeScript and CSS) with esbuild: hashed, minified
 * assets under assets/ and an index.html that names them. `npm run build:console` and `cdk synth`
 * write it to console/dist; the local runtime builds it in memory and rebuilds when a source changes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, BuildResult } from 'esbuild';

export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_SRC = join(CONSOLE_DIR, 'src');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

/** One file of the built site, keyed by its URL path (`/index.html`, `/assets/main-3F2A.js`). */
export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const contentTypeOf = (path: string) =>
  CONTENT_TYPES[/\.[a-z]+$/.exec(path)?.[0] ?? ''] ?? 'application/octet-stream';

/** Hashed assets never change under their name; the entry page is always revalidated. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

function buildOptions(): BuildOptions & { write: false; metafile: true } {
  return {
    entryPoints: [join(CONSOLE_SRC, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: ['chrome111', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    outdir: join(CONSOLE_DIST, 'assets'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  };
}

function siteFrom(result: BuildResult & { outputFiles: Array<{ path: string; contents: Uint8Array }> }) {
  const files = new Map<string, ConsoleFile>();
  for (const output of result.outputFiles) {
    const path = `/${relative(CONSOLE_DIST, output.path).split('\\').join('/')}`;
    files.set(path, {
      body: Buffer.from(output.contents),
      contentType: contentTypeOf(path),
      cacheControl: IMMUTABLE,
    });
  }
  const script = [...files.keys()].find((p) => /^\/assets\/main-[^/]+\.js$/.test(p));
  const style = [...files.keys()].find((p) => /^\/assets\/main-[^/]+\.css$/.test(p));
  if (!script || !style) throw new Error('console build: main.js or main.css missing from the output');
  // Relative URLs: the site works at the root of its CloudFront domain and of the local server alike.
  const html = readFileSync(join(CONSOLE_SRC, 'index.html'), 'utf8')
    .replace('{{script}}', `.${script}`)
    .replace('{{style}}', `.${style}`);
  files.set('/index.html', {
    body: Buffer.from(html),
    contentType: contentTypeOf('.html'),
    cacheControl: REVALIDATE,
  });
  const icon = readFileSync(join(CONSOLE_SRC, 'favicon.svg'));
  files.set('/favicon.svg', { body: icon, contentType: contentTypeOf('.svg'), cacheControl: REVALIDATE });
  return files;
}

/** Builds the site in memory. */
export async function buildConsole(): Promise<Map<string, ConsoleFile>> {
  const esbuild = await import('esbuild');
  return siteFrom(await esbuild.build(buildOptions()));
}

/** Builds the site into `outdir` (default console/dist), replacing what was there; for deploys. */
export function buildConsoleSync(outdir = CONSOLE_DIST): string {
  // esbuild's synchronous API, because CDK constructs are built synchronously.
  const esbuild = loadEsbuildSync();
  const files = siteFrom(esbuild.buildSync(buildOptions()));
  rmSync(outdir, { recursive: true, force: true });
  for (const [path, file] of files) {
    const target = join(outdir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
  return outdir;
}

function loadEsbuildSync(): typeof import('esbuild') {
  try {
    // createRequire keeps this module ESM while loading esbuild synchronously.
    return createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  } catch (error) {
    throw new Error('cannot build the console: esbuild is missing (run `npm ci`, it is a devDependency)', {
      cause: error,
    });
  }
}

/** Reads an already built site (console/dist), for installs without esbuild. */
async function readBuiltConsole(dir = CONSOLE_DIST): Promise<Map<string, ConsoleFile>> {
  const files = new Map<string, ConsoleFile>();
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const url = `/${relative(dir, path).split('\\').join('/')}`;
        files.set(url, {
          body: await readFile(path),
          contentType: contentTypeOf(url),
          cacheControl: url.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
        });
      }
    }
  };
  await walk(dir);
  return files;
}

async function latestSourceChange(folder = CONSOLE_SRC): Promise<number> {
  let latest = (await stat(folder)).mtimeMs;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    latest = Math.max(
      latest,
      entry.isDirectory() ? await latestSourceChange(path) : (await stat(path)).mtimeMs,
    );
  }
  return latest;
}

let cached: { files: Map<string, ConsoleFile>; sourcesAt: number } | undefined;
let building: Promise<Map<string, ConsoleFile>> | undefined;
let checkedAt = 0;

/**
 * The console for the local server: built in memory on first use, and again when a file under
 * console/src changed (checked at most once a second), so `npm start` never serves a stale console.
 * Without esbuild (a production install) it serves console/dist as built.
 */
export async function consoleFiles(): Promise<Map<string, ConsoleFile>> {
  if (cached && Date.now() - checkedAt < 1000) return cached.files;
  if (building) return building;
  building = (async () => {
    try {
      const sourcesAt = await latestSourceChange();
      checkedAt = Date.now();
      if (cached && cached.sourcesAt >= sourcesAt) return cached.files;
      let files: Map<string, ConsoleFile>;
      try {
        files = await buildConsole();
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
        files = await readBuiltConsole();
      }
      cached = { files, sourcesAt };
      return files;
    } finally {
      building = undefined;
    }
  })();
  return building;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const outdir = buildConsoleSync();
  process.stdout.write(
    `console built into ${relative(process.cwd(), outdir)} in ${Date.now() - started} ms\n`,
  );
}
