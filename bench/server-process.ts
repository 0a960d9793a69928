/**
 * The real chatledger server as a child process, for benchmarks: its memory and CPU are measured apart
 * from the load generator's. By default it runs the way the benchmark runs: from source with tsx when
 * the benchmark runs from source, else the compiled CLI (bin/chatledger.js). `server: {compiledRoot}`
 * runs the compiled CLI of a build instead (tsx's loader thread adds about 50 MB of RSS that a
 * production server does not have).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');
/** The repository: one level above bench/, or two above dist/bench/ when compiled. */
export const REPO_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  RUNNING_FROM_SOURCE ? '..' : '../..',
);

export interface ServerOptions {
  /** SQLite file (ignored when databaseUrl is set). */
  dbPath: string;
  databaseUrl?: string | undefined;
  keysFile: string;
  port: number;
  /** Extra environment for the server (SQLITE_SYNCHRONOUS, LEDGER_COMMIT_BATCH_EVENTS…). */
  env?: Record<string, string>;
  /** Write a V8 CPU profile (`node --cpu-prof`) into this directory when the server exits. */
  cpuProfileDir?: string | undefined;
  /** Where the server's stdout and stderr go. */
  logFile: string;
  /** How long to wait for GET /healthz to answer 200. */
  startTimeoutMs?: number;
  /** 'source' (tsx + src/cli/run.ts) or a directory holding bin/chatledger.js and its dist/. */
  server?: 'source' | { compiledRoot: string };
}

export interface MemorySample {
  /** Largest VmRSS seen by the sampler. */
  peakRssKb: number;
  /** The kernel's own high-water mark (VmHWM) at the last sample: the true peak, startup included. */
  highWaterKb: number;
  samples: number;
}

export interface ServerProcess {
  pid: number;
  url: string;
  writeKey: string;
  /** Samples /proc/<pid>/status every `intervalMs` until `stop()`; returns what it saw so far. */
  memory(): MemorySample;
  /** User + system CPU seconds the server has used so far (from /proc/<pid>/stat). */
  cpuSeconds(): number;
  /** SIGTERM (graceful: in-flight batches commit, the database closes), then wait for the exit. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** VmRSS and VmHWM of a process in kB, or null once it is gone. */
export function readMemoryKb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return rss && hwm ? { rss: Number(rss[1]), hwm: Number(hwm[1]) } : null;
  } catch {
    return null;
  }
}

/** utime + stime of a process in seconds (USER_HZ is 100 on every Linux we run on). */
export function readCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServerProcess(options: ServerOptions): Promise<ServerProcess> {
  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const server = options.server ?? (RUNNING_FROM_SOURCE ? 'source' : { compiledRoot: REPO_ROOT });
  const entry =
    server === 'source'
      ? ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/run.ts')]
      : [path.join(path.resolve(server.compiledRoot), 'bin/chatledger.js')];
  const args = [
    ...nodeArgs,
    ...entry,
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--db',
    options.dbPath,
    '--keys-file',
    options.keysFile,
    '--log-level',
    'warn',
  ];
  const log = fs.openSync(options.logFile, 'a');
  // An empty DATABASE_URL means "unset" (src/config.ts), so a DATABASE_URL in our own environment
  // cannot turn a SQLite run into a PostgreSQL one.
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: options.databaseUrl ?? '', ...options.env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const pid = child.pid as number;
  const url = `http://127.0.0.1:${options.port}`;
  const tail = () => fs.readFileSync(options.logFile, 'utf8').split('\n').slice(-30).join('\n');

  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  while ((await getStatus(`${url}/healthz`)) !== 200) {
    if (hasExited) throw new Error(`the server exited during startup:\n${tail()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz within the start timeout:\n${tail()}`);
    }
    await sleep(100);
  }
  const keys = JSON.parse(fs.readFileSync(options.keysFile, 'utf8')) as { writeKey?: string };
  if (typeof keys.writeKey !== 'string') throw new Error(`no writeKey in ${options.keysFile}`);

  const memory: MemorySample = { peakRssKb: 0, highWaterKb: 0, samples: 0 };
  const sample = () => {
    const read = readMemoryKb(pid);
    if (!read) return;
    memory.peakRssKb = Math.max(memory.peakRssKb, read.rss);
    memory.highWaterKb = Math.max(memory.highWaterKb, read.hwm);
    memory.samples += 1;
  };
  sample();
  const sampler = setInterval(sample, 100);

  return {
    pid,
    url,
    writeKey: keys.writeKey,
    memory: () => ({ ...memory }),
    cpuSeconds: () => readCpuSeconds(pid),
    async stop(timeoutMs = 120_000) {
      sample();
      clearInterval(sampler);
      if (!hasExited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
