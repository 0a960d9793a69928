/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): where the time went, by function (self time) and by
 * area (a package in node_modules, a file of ours, Node internals, GC, idle). Run on its own with
 * `npx tsx bench/cpu-profile.ts FILE.cpuprofile [TOP]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  /** Share of all sampled time, idle included, in %. */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Sampled time not idle (the CPU the main thread used). */
  busyMs: number;
  functions: ProfileEntry[];
  areas: ProfileEntry[];
  /** Our own functions (src/) by total time: their self time plus everything they called. */
  ownTotals: ProfileEntry[];
}

/** node_modules/<package>, our own file relative to the repository, a Node internal module, or V8's own. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const nodeModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nodeModules) return `npm:${nodeModules[1]}`;
  if (url.startsWith('node:')) return 'node:internal';
  const repository = /\/((?:src|bench|test)\/.*)$/.exec(url);
  return repository ? (repository[1] as string) : url;
}

function shortLocation(url: string, line: number): string {
  if (url === '') return '';
  const nodeModules = /node_modules\/(.*)$/.exec(url);
  const file = nodeModules ? nodeModules[1] : (/\/((?:src|bench|test)\/.*)$/.exec(url)?.[1] ?? url);
  return ` ${file}:${line + 1}`;
}

export function summarizeCpuProfile(profile: CpuProfile, top = 25): ProfileSummary {
  // Self time per node: each sample's time delta belongs to the node sampled.
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0) {
    for (let index = 0; index < samples.length; index += 1) {
      const delta = deltas[index + 1] ?? deltas[index] ?? 0;
      selfUs.set(samples[index] as number, (selfUs.get(samples[index] as number) ?? 0) + Math.max(0, delta));
    }
  } else {
    const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
    const perHit = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
    for (const node of profile.nodes) selfUs.set(node.id, (node.hitCount ?? 0) * perHit);
  }
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const node of profile.nodes) {
    const time = selfUs.get(node.id) ?? 0;
    if (time === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'}${shortLocation(url, lineNumber)}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + time);
    totalUs += time;
    if (functionName === '(idle)') idleUs += time;
  }
  // Total time of our own functions: each sample counts once for every src/ function on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totalByOwnFunction = new Map<string, number>();
  for (const [id, time] of selfUs) {
    if (time === 0) continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (nodes.get(at) as ProfileNode).callFrame;
      if (!/\/src\//.test(frame.url) || frame.url.includes('node_modules')) continue;
      const name = `${frame.functionName || '(anonymous)'}${shortLocation(frame.url, frame.lineNumber)}`;
      if (seen.has(name)) continue;
      seen.add(name);
      totalByOwnFunction.set(name, (totalByOwnFunction.get(name) ?? 0) + time);
    }
  }
  const entries = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, percent: totalUs > 0 ? (100 * us) / totalUs : 0 }));
  return {
    totalMs: totalUs / 1000,
    busyMs: (totalUs - idleUs) / 1000,
    functions: entries(byFunction),
    areas: entries(byArea),
    ownTotals: entries(totalByOwnFunction),
  };
}

export function readCpuProfile(file: string): CpuProfile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
}

/**
 * The main thread's profile in a `--cpu-prof-dir`: Node writes one file per thread, named
 * CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile, and the main thread is thread 0 (tsx's module
 * loader runs in a thread of its own). Falls back to the largest file.
 */
export function mainThreadCpuProfile(directory: string): string | undefined {
  if (!fs.existsSync(directory)) return undefined;
  const files = fs
    .readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(directory, name));
  const main = files.find((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  return main ?? files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const line = (entry: ProfileEntry) =>
    `  ${entry.selfMs.toFixed(0).padStart(8)} ms ${entry.percent.toFixed(1).padStart(5)} %  ${entry.name}`;
  return [
    `sampled ${summary.totalMs.toFixed(0)} ms, busy ${summary.busyMs.toFixed(0)} ms`,
    'self time by area:',
    ...summary.areas.map(line),
    'self time by function:',
    ...summary.functions.map(line),
    'total time (self + callees) of our own functions:',
    ...summary.ownTotals.map(line),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/cpu-profile.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(formatProfileSummary(summarizeCpuProfile(readCpuProfile(file), Number(top ?? 30))));
}
