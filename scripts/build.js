/**
 * Compiles the service into dist/ with esbuild (the compiler tsx itself runs on): `dist/siemstream.js` (the CLI)
 * and `dist/sqlite-append-worker.js` (the event log's writer thread, src/store/sqlite/append-worker.ts), and the
 * admin web console's browser bundle, `dist/console/` (src/console/app/, served by src/console/plugin.ts).
 * Running compiled JavaScript spares the service tsx's loader thread and on-the-fly compilation (~35 MB RSS and
 * start-up CPU). node_modules stay external. bin/siemstream.js calls ensureBuilt() before every start, so a fresh
 * clone, `npm start` and `npx siemstream` all run current code; `node scripts/build.js` builds by hand.
 *
 * The build is current when its stamp matches the sources: the newest mtime and the number of files under src/
 * (plus this script), taken BEFORE compiling, so an edit made during a build triggers the next one.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'build-stamp.json');
export const ENTRY = join(DIST, 'siemstream.js');

const ENTRY_POINTS = {
  siemstream: 'src/cli/main.ts',
  'sqlite-append-worker': 'src/store/sqlite/append-worker.ts',
};

/** What the current build must have been made from. */
function sourceStamp() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  let files = 0;
  for (const name of readdirSync(join(ROOT, 'src'), { recursive: true })) {
    const st = statSync(join(ROOT, 'src', name));
    if (!st.isFile()) continue;
    files++;
    if (st.mtimeMs > newest) newest = st.mtimeMs;
  }
  return { newest, files };
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

export function isCurrent(stamp = sourceStamp()) {
  const built = readStamp();
  return built !== undefined && built.newest === stamp.newest && built.files === stamp.files;
}

/** Builds dist/ unless it is current. Returns true when it built. */
export async function ensureBuilt() {
  const stamp = sourceStamp();
  if (isCurrent(stamp)) return false;
  await build(stamp);
  return true;
}

export async function build(stamp = sourceStamp()) {
  const esbuild = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  // Built aside, then renamed into place file by file (the worker first, the stamp last): several processes
  // starting at once may all build; each rename is atomic and every build of the same sources is identical.
  const tmp = mkdtempSync(join(DIST, '.build-'));
  try {
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ENTRY_POINTS,
      outdir: tmp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'error',
    });
    await buildConsole(esbuild, join(tmp, 'console'));
    replaceDir(join(tmp, 'console'), join(DIST, 'console'));
    for (const name of ['sqlite-append-worker', 'siemstream']) {
      renameSync(join(tmp, `${name}.js.map`), join(DIST, `${name}.js.map`));
      renameSync(join(tmp, `${name}.js`), join(DIST, `${name}.js`));
    }
    writeFileSync(join(tmp, 'build-stamp.json'), JSON.stringify(stamp));
    renameSync(join(tmp, 'build-stamp.json'), STAMP);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The console: one ES module and one stylesheet for the browser (Preact, htm and uPlot bundled in: it works
 * offline, nothing is fetched from elsewhere), plus its index.html.
 */
async function buildConsole(esbuild, outdir) {
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { app: 'src/console/app/main.ts' },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'error',
  });
  copyFileSync(join(ROOT, 'src/console/index.html'), join(outdir, 'index.html'));
}

/** Swaps a built directory into place (a moment without it, unlike the files' renames; the service re-reads per request). */
function replaceDir(from, to) {
  const old = `${to}.old-${process.pid}`;
  if (existsSync(to)) renameSync(to, old);
  renameSync(from, to);
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build();
  console.log(`built ${ENTRY}`);
}
