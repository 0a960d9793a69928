/**
 * The ingest benchmark (issue 2, item 8): generated capture traffic over real HTTP into the real
 * server, on SQLite and on PostgreSQL, against the raw better-sqlite3 baseline, in one run.
 *
 *   npx tsx bench/ingest.ts [--events N] [--clients C] [--batch B] [--backend sqlite|postgres|both]
 *                           [--seed S] [--synchronous FULL|NORMAL|EXTRA] [--profile] [--out FILE]
 *
 * Per backend: a fresh database, the server started as a child process (its RSS sampled every 100 ms
 * from /proc), C closed-loop clients posting batches of B events to /v1/batch, per-request
 * acknowledgement latency, events/s from the first request to the last answer, then a graceful stop
 * and a count of the stored events against the generator's count of distinct events. See
 * bench/README.md for what each figure means.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { percentile } from '../src/domain/kpi/percentile.js';
import {
  freePort,
  startTemporaryPostgres,
  type TemporaryPostgres,
} from '../test/support/temporary-postgres.js';
import {
  formatProfileSummary,
  mainThreadCpuProfile,
  readCpuProfile,
  summarizeCpuProfile,
  type ProfileSummary,
} from './cpu-profile.js';
import { generateBatches, trafficForEvents, type TrafficOptions } from './generator.js';
import { findPostmaster, codeState, machineCpuSeconds, treeCpuSeconds } from './machine.js';
import { runLoad } from './http-load.js';
import { REPO_ROOT, startServerProcess } from './server-process.js';
import { runSqliteBaseline, type BaselineResult } from './sqlite-baseline.js';

const TARGETS = { sqliteEventsPerSecond: 30_000, ratioToBaseline: 0.4, peakRssMb: 400 };
const DEFAULT_EVENTS = 1_000_000;

type Backend = 'sqlite' | 'postgres';

interface BenchOptions {
  events: number;
  clients: number;
  batch: number;
  backends: Backend[];
  seed: number;
  synchronous: string;
  profile: boolean;
  timeoutMinutes: number;
  out: string;
  keep: boolean;
  serverEnv: Record<string, string>;
  server: 'source' | { compiledRoot: string };
}

export interface IngestRun {
  backend: Backend;
  events: number;
  requests: number;
  seconds: number;
  eventsPerSecond: number;
  ackMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** The server child's memory: peak VmRSS seen by the 100 ms sampler, and the kernel's VmHWM. */
  rssMb: { peakSampled: number; highWater: number; samples: number };
  /**
   * CPU used during the load, in cores (1.0 = one core busy the whole time): the server, the load
   * generator (this process), PostgreSQL (postmaster and backends), everything else on the machine
   * (other users' work: a high figure means the run was disturbed), and the machine in total.
   */
  cpuCores: { server: number; client: number; postgres: number | null; other: number; machine: number };
  /** 1-minute load average when the load started. */
  loadAverage: number;
  api: { accepted: number; duplicates: number; rejected: number };
  expected: { distinct: number; duplicates: number };
  stored: number;
  quarantined: number;
  verified: boolean;
  errors: string[];
  timedOut: boolean;
  profile?: ProfileSummary | undefined;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      clients: { type: 'string', default: '8' },
      batch: { type: 'string', default: '100' },
      backend: { type: 'string', default: 'both' },
      seed: { type: 'string', default: '1' },
      synchronous: { type: 'string', default: 'FULL' },
      profile: { type: 'boolean', default: false },
      'timeout-minutes': { type: 'string', default: '15' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'server-env': { type: 'string', multiple: true, default: [] },
      server: { type: 'string', default: 'source' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: npx tsx bench/ingest.ts [--events N | --smoke] [--clients C] [--batch B] [--backend sqlite|postgres|both]\n' +
        '       [--seed S] [--synchronous FULL|NORMAL|EXTRA] [--profile] [--timeout-minutes M] [--out FILE] [--keep]\n' +
        '       [--server-env KEY=VALUE ...] [--server source|dist|DIR]\n' +
        '  --server: source runs src/ with tsx; dist runs bin/chatledger.js (npm run build first);\n' +
        '            DIR runs DIR/bin/chatledger.js (a build elsewhere)',
    );
    process.exit(0);
  }
  const integer = (name: string, raw: string) => {
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return value;
  };
  const events =
    values.events !== undefined ? integer('events', values.events) : values.smoke ? 20_000 : DEFAULT_EVENTS;
  const backend = values.backend;
  if (backend !== 'sqlite' && backend !== 'postgres' && backend !== 'both') {
    throw new Error(`--backend must be sqlite, postgres or both, got ${backend}`);
  }
  const synchronous = values.synchronous.toUpperCase();
  if (!['FULL', 'NORMAL', 'EXTRA'].includes(synchronous))
    throw new Error('--synchronous must be FULL, NORMAL or EXTRA');
  const serverEnv: Record<string, string> = { SQLITE_SYNCHRONOUS: synchronous };
  for (const pair of values['server-env']) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--server-env takes KEY=VALUE, got ${pair}`);
    serverEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const date = new Date().toISOString().slice(0, 10);
  return {
    events,
    clients: integer('clients', values.clients),
    batch: integer('batch', values.batch),
    backends: backend === 'both' ? ['sqlite', 'postgres'] : [backend],
    seed: integer('seed', values.seed),
    synchronous,
    profile: values.profile,
    timeoutMinutes: integer('timeout-minutes', values['timeout-minutes']),
    out:
      values.out ??
      path.join(
        REPO_ROOT,
        'bench',
        'results',
        `ingest-${date}${events === DEFAULT_EVENTS ? '' : `-${events}`}.json`,
      ),
    keep: values.keep,
    serverEnv,
    server:
      values.server === 'source'
        ? 'source'
        : { compiledRoot: values.server === 'dist' ? REPO_ROOT : path.resolve(values.server) },
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const mb = (kb: number) => round(kb / 1024);

function trafficOf(options: BenchOptions): TrafficOptions {
  return trafficForEvents(options.events, { seed: options.seed, batchSize: options.batch });
}

async function countStored(
  backend: Backend,
  location: string,
): Promise<{ stored: number; quarantined: number }> {
  if (backend === 'sqlite') {
    const db = new Database(location, { readonly: true });
    try {
      const count = (table: string) =>
        (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      return { stored: count('events'), quarantined: count('quarantine') };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    const count = async (table: string) =>
      Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
    return { stored: await count('events'), quarantined: await count('quarantine') };
  } finally {
    await client.end();
  }
}

async function runBackend(backend: Backend, options: BenchOptions, workDir: string): Promise<IngestRun> {
  const dir = fs.mkdtempSync(path.join(workDir, `${backend}-`));
  let postgres: TemporaryPostgres | undefined;
  try {
    if (backend === 'postgres') {
      log('starting a durable temporary PostgreSQL…');
      postgres = await startTemporaryPostgres({ durable: true });
    }
    const dbPath = path.join(dir, 'chatledger.db');
    const profileDir = options.profile ? path.join(dir, 'profile') : undefined;
    const server = await startServerProcess({
      dbPath,
      databaseUrl: postgres?.url,
      keysFile: path.join(dir, 'keys.json'),
      port: await freePort(),
      env: options.serverEnv,
      cpuProfileDir: profileDir,
      server: options.server,
      logFile: path.join(dir, 'server.log'),
    });
    log(
      `${backend}: server pid ${server.pid} ready at ${server.url}; sending ${options.events.toLocaleString('en-US')} events`,
    );

    const batches = generateBatches(trafficOf(options));
    const expected = { distinct: 0, duplicates: 0 };
    const postmaster = postgres ? findPostmaster(Number(new URL(postgres.url).port)) : undefined;
    const postgresCpu = () => (postmaster === undefined ? Number.NaN : treeCpuSeconds(postmaster));
    const loadAverage = os.loadavg()[0] ?? Number.NaN;
    const machineBefore = machineCpuSeconds();
    const postgresBefore = postgresCpu();
    const cpuBefore = server.cpuSeconds();
    const clientCpuBefore = process.cpuUsage();
    const load = await runLoad({
      url: server.url,
      writeKey: server.writeKey,
      clients: options.clients,
      deadline: Date.now() + options.timeoutMinutes * 60_000,
      nextBody() {
        const step = batches.next();
        if (step.done) return undefined;
        expected.distinct += step.value.distinct;
        expected.duplicates += step.value.duplicates;
        return { body: JSON.stringify({ batch: step.value.events }), events: step.value.events.length };
      },
      onProgress: (events, elapsedMs) =>
        log(
          `  ${backend}: ${events.toLocaleString('en-US')} events in ${(elapsedMs / 1000).toFixed(0)} s ` +
            `(${Math.round(events / (elapsedMs / 1000)).toLocaleString('en-US')}/s), RSS ${mb(server.memory().peakRssKb)} MB peak`,
        ),
    });
    const serverCpu = server.cpuSeconds() - cpuBefore;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const postgresUsed = postgresCpu() - postgresBefore;
    const machineUsed = machineCpuSeconds().busy - machineBefore.busy;
    const memory = server.memory();
    const exit = await server.stop();
    if (exit.code !== 0)
      log(
        `${backend}: the server exited with ${exit.code ?? exit.signal}; see ${path.join(dir, 'server.log')}`,
      );
    const counted = await countStored(backend, postgres?.url ?? dbPath);

    const sorted = Float64Array.from(load.latenciesMs).sort();
    const list = Array.from(sorted);
    const seconds = load.elapsedMs / 1000;
    const complete = !load.timedOut && load.errors.length === 0 && load.events === options.events;
    const run: IngestRun = {
      backend,
      events: load.events,
      requests: load.requests,
      seconds: round(seconds, 2),
      eventsPerSecond: Math.round(load.events / seconds),
      ackMs: {
        mean: round(list.reduce((sum, value) => sum + value, 0) / Math.max(1, list.length)),
        p50: round(percentile(list, 50) ?? Number.NaN),
        p90: round(percentile(list, 90) ?? Number.NaN),
        p99: round(percentile(list, 99) ?? Number.NaN),
        max: round(list[list.length - 1] ?? Number.NaN),
      },
      rssMb: {
        peakSampled: mb(memory.peakRssKb),
        highWater: mb(memory.highWaterKb),
        samples: memory.samples,
      },
      cpuCores: cpuCoresOf(seconds, {
        server: serverCpu,
        client: (clientCpu.user + clientCpu.system) / 1e6,
        postgres: postgres ? postgresUsed : null,
        machine: machineUsed,
      }),
      loadAverage: round(loadAverage, 2),
      api: { accepted: load.accepted, duplicates: load.duplicates, rejected: load.rejected },
      expected,
      stored: counted.stored,
      quarantined: counted.quarantined,
      verified:
        complete &&
        counted.stored === expected.distinct &&
        load.accepted === expected.distinct &&
        load.duplicates === expected.duplicates &&
        load.rejected === 0 &&
        counted.quarantined === 0,
      errors: load.errors.slice(0, 10),
      timedOut: load.timedOut,
    };
    if (load.rejections.length > 0) log(`${backend}: rejections: ${JSON.stringify(load.rejections)}`);
    if (profileDir) {
      const file = mainThreadCpuProfile(profileDir);
      if (file) {
        run.profile = summarizeCpuProfile(readCpuProfile(file), 30);
        const kept = path.join(path.dirname(options.out), `ingest-${backend}.cpuprofile.tmp`);
        fs.mkdirSync(path.dirname(kept), { recursive: true });
        fs.copyFileSync(file, kept);
        log(
          `\n${backend} server CPU profile (full profile copied to ${kept}):\n${formatProfileSummary(run.profile)}\n`,
        );
      } else log(`${backend}: no CPU profile was written (did the server exit cleanly?)`);
    }
    return run;
  } finally {
    postgres?.stop();
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function cpuCoresOf(
  seconds: number,
  used: { server: number; client: number; postgres: number | null; machine: number },
): IngestRun['cpuCores'] {
  const cores = (value: number) => round(value / seconds, 2);
  const known = used.server + used.client + (used.postgres ?? 0);
  return {
    server: cores(used.server),
    client: cores(used.client),
    postgres: used.postgres === null || Number.isNaN(used.postgres) ? null : cores(used.postgres),
    other: cores(Math.max(0, used.machine - known)),
    machine: cores(used.machine),
  };
}

function runBaseline(options: BenchOptions, workDir: string): BaselineResult {
  const dir = fs.mkdtempSync(path.join(workDir, 'baseline-'));
  try {
    const traffic = generateBatches(trafficOf(options));
    const batches = (function* () {
      for (const batch of traffic) yield batch.events;
    })();
    return runSqliteBaseline({
      dbPath: path.join(dir, 'baseline.db'),
      synchronous: options.synchronous,
      batches,
    });
  } finally {
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function formatTable(options: BenchOptions, runs: IngestRun[], baseline: BaselineResult | undefined): string {
  const number = (value: number) => Math.round(value).toLocaleString('en-US');
  const baselineRate = baseline ? baseline.events / (baseline.insertMs / 1000) : undefined;
  const columns = runs.map((run) => (run.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'));
  const rows: [string, ...string[]][] = [
    ['', ...columns, 'target'],
    [
      'events/s',
      ...runs.map((run) => number(run.eventsPerSecond)),
      `≥ ${number(TARGETS.sqliteEventsPerSecond)} (SQLite)`,
    ],
    ['ack latency p50 / p99 (ms)', ...runs.map((run) => `${run.ackMs.p50} / ${run.ackMs.p99}`), ''],
    [
      'peak RSS, sampled / VmHWM (MB)',
      ...runs.map((run) => `${run.rssMb.peakSampled} / ${run.rssMb.highWater}`),
      `< ${TARGETS.peakRssMb}`,
    ],
    [
      'CPU cores: server / client / PostgreSQL',
      ...runs.map(
        (run) => `${run.cpuCores.server} / ${run.cpuCores.client} / ${run.cpuCores.postgres ?? '-'}`,
      ),
      '',
    ],
    [
      'CPU cores used by others (noise)',
      ...runs.map((run) => `${run.cpuCores.other} (load avg ${run.loadAverage})`),
      '',
    ],
    [
      'baseline events/s (better-sqlite3)',
      ...runs.map(() => (baselineRate ? number(baselineRate) : 'n/a')),
      '',
    ],
    [
      'ratio to baseline',
      ...runs.map((run) => (baselineRate ? `${round((100 * run.eventsPerSecond) / baselineRate)} %` : 'n/a')),
      `≥ ${TARGETS.ratioToBaseline * 100} % (SQLite)`,
    ],
    [
      'stored = distinct generated',
      ...runs.map(
        (run) => `${run.verified ? 'yes' : 'NO'} (${number(run.stored)} of ${number(run.expected.distinct)})`,
      ),
      '',
    ],
    ['duration (s)', ...runs.map((run) => String(run.seconds)), ''],
  ];
  const widths = (rows[0] as string[]).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd(),
  );
  const header =
    `chatledger ingest: ${number(options.events)} events, ${options.clients} clients, batches of ${options.batch}, ` +
    `seed ${options.seed}, SQLite synchronous=${options.synchronous}, ${os.cpus().length} cores`;
  const baselineLine = baseline
    ? `baseline: ${number(baseline.events)} rows in ${number(baseline.transactions)} transactions of ${options.batch}, ` +
      `synchronous=${baseline.synchronous}, ${number(baseline.insertMs)} ms inside transactions, ${number(baseline.stored)} rows kept`
    : 'baseline: not run (SQLite backend not selected)';
  return [
    header,
    '',
    lines[0],
    '-'.repeat((lines[0] as string).length),
    ...lines.slice(1),
    '',
    baselineLine,
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatledger-bench-'));
  // A last resort against anything hanging: the whole run may take each backend's timeout plus slack.
  const watchdog = setTimeout(
    () => {
      log('bench: overall timeout; giving up');
      process.exit(3);
    },
    (options.timeoutMinutes * options.backends.length + 15) * 60_000,
  );
  watchdog.unref();
  const started = new Date();
  // Taken first: other people may change src/ while a long run goes on.
  const code = codeState(REPO_ROOT);
  const runs: IngestRun[] = [];
  let baseline: BaselineResult | undefined;
  try {
    for (const backend of options.backends) {
      runs.push(await runBackend(backend, options, workDir));
      if (backend === 'sqlite') {
        log('baseline: raw better-sqlite3 inserts of the same rows…');
        baseline = runBaseline(options, workDir);
      }
    }
  } finally {
    if (!options.keep) fs.rmSync(workDir, { recursive: true, force: true });
    else log(`kept ${workDir}`);
  }

  const baselineRate = baseline ? Math.round(baseline.events / (baseline.insertMs / 1000)) : undefined;
  const sqlite = runs.find((run) => run.backend === 'sqlite');
  const ratio = (run: IngestRun | undefined) =>
    run && baselineRate ? run.eventsPerSecond / baselineRate : undefined;
  const report = {
    benchmark: 'ingest',
    code,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    options: {
      events: options.events,
      clients: options.clients,
      batch: options.batch,
      seed: options.seed,
      sqliteSynchronous: options.synchronous,
      serverEnv: options.serverEnv,
      server: options.server === 'source' ? 'source (tsx)' : `compiled: ${options.server.compiledRoot}`,
      profile: options.profile,
    },
    targets: TARGETS,
    baseline: baseline && {
      ...baseline,
      insertMs: Math.round(baseline.insertMs),
      wallMs: Math.round(baseline.wallMs),
      eventsPerSecond: baselineRate,
      verified: baseline.stored === sqlite?.expected.distinct,
    },
    runs: runs.map((run) => ({
      ...run,
      ratioToBaseline: ratio(run) === undefined ? null : round(ratio(run) as number, 3),
    })),
    verdict: sqlite && {
      eventsPerSecond: sqlite.eventsPerSecond >= TARGETS.sqliteEventsPerSecond,
      ratioToBaseline: (ratio(sqlite) ?? 0) >= TARGETS.ratioToBaseline,
      peakRss: Math.max(sqlite.rssMb.peakSampled, sqlite.rssMb.highWater) < TARGETS.peakRssMb,
      stored: sqlite.verified,
    },
  };
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\n${formatTable(options, runs, baseline)}\n\nresults: ${path.relative(process.cwd(), options.out)}`,
  );
  if (runs.some((run) => !run.verified)) {
    for (const run of runs.filter((candidate) => !candidate.verified)) {
      console.log(
        `${run.backend}: NOT VERIFIED: stored ${run.stored}, expected ${run.expected.distinct}; API accepted ${run.api.accepted}, ` +
          `duplicates ${run.api.duplicates} (expected ${run.expected.duplicates}), rejected ${run.api.rejected}, ` +
          `quarantined ${run.quarantined}, timed out ${run.timedOut}, errors: ${run.errors.join(' | ')}`,
      );
    }
    process.exitCode = 1;
  }
}

await main();
