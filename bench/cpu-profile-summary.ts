/**
 * Top hot spots of a V8 CPU profile (`node --cpu-prof`, written by the service child when `npm run bench --
 * --cpu-prof` stops it): self time per function and per source file / package.
 *
 * Standalone: `npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = relative('/', new URL('..', import.meta.url).pathname);

export function summarizeCpuProfile(path: string, top = 20): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time from sample i-1 to sample i: charge it to the sample taken at its end.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const file = shortFile(frame.url);
    // tsx emits whitespace-minified code: line 0 then only says "somewhere in this file".
    const where = file && frame.lineNumber > 0 ? `${file}:${frame.lineNumber + 1}` : file;
    const fn = `${frame.functionName || '(anonymous)'}  ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const group = fileGroup(frame.url, frame.functionName);
    byFile.set(group, (byFile.get(group) ?? 0) + us);
  }
  const table = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `  ${((100 * us) / busyUs).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  return [
    `CPU profile ${path}: busy ${(busyUs / 1e6).toFixed(1)} s, idle ${(idleUs / 1e6).toFixed(1)} s`,
    `top ${top} functions by self time:`,
    ...table(byFunction),
    `by file / package (self time):`,
    ...table(byFile),
  ].join('\n');
}

function shortFile(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const rel = path.startsWith(`/${ROOT}/`) ? path.slice(ROOT.length + 2) : path;
  return rel;
}

/** A package for dependencies, the file for our sources, node internals together, V8 pseudo-frames as is. */
function fileGroup(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = shortFile(url);
  if (url.startsWith('node:')) return 'node: internals';
  if (url.includes('/node_modules/')) {
    const parts = file.split('/');
    return `npm:${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  return file;
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarizeCpuProfile(file, top ? Number(top) : 20));
}
