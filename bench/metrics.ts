/**
 * The metrics benchmark (issue 5, item 8): the dashboard's overview — the summary, by day and by agent over
 * 90 days — on 1M cycles / 10M events, on SQLite and PostgreSQL, against baselines computing the same
 * figures from the raw events in the same run.
 *
 *   npx tsx bench/metrics.ts load    --backend sqlite|postgres [--events 10000000] [--dir data/bench-metrics]
 *   npx tsx bench/metrics.ts measure --backend sqlite|postgres [--runs 20] [--dir …] [--out FILE]
 *                                    [--phases overview,export,baselines]
 *
 * `load` appends the generated traffic through the real ledger writer once (every projection built as in
 * production); `measure` times the overview many times, then the baselines, and writes the figures to
 * bench/results/metrics-<date>.json. See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchTraffic,
  ensurePostgresDatabase,
  loadTraffic,
  openBenchStore,
  startPersistentPostgres,
  type Backend,
} from './metrics-data.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string', default: 'sqlite' },
    events: { type: 'string', default: '10000000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string', default: 'data/bench-metrics' },
    runs: { type: 'string', default: '20' },
    phases: { type: 'string', default: 'overview,export,baselines' },
    out: { type: 'string' },
  },
});
const command = positionals[0] ?? 'measure';
const backend = values.backend as Backend;
if (backend !== 'sqlite' && backend !== 'postgres') throw new Error('--backend is sqlite or postgres');
const dir = path.resolve(values.dir as string);
fs.mkdirSync(dir, { recursive: true });
const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

async function withBackend<T>(work: (location: string, fresh: boolean) => Promise<T>): Promise<T> {
  if (backend === 'sqlite') {
    const file = path.join(dir, 'metrics.db');
    return work(file, !fs.existsSync(file));
  }
  const server = await startPersistentPostgres(path.join(dir, 'postgres'));
  try {
    const fresh = await ensurePostgresDatabase(server.url('postgres'), 'metrics_bench');
    return await work(server.url('metrics_bench'), fresh);
  } finally {
    server.stop();
  }
}

if (command === 'load') {
  const events = Number(values.events);
  await withBackend(async (location, fresh) => {
    if (!fresh) throw new Error(`${location} exists already: delete it to load again`);
    const store = openBenchStore(backend, location);
    try {
      log(`loading ${events} events into ${backend} (${location})`);
      const result = await loadTraffic(store, benchTraffic(events, Number(values.seed)), (done, seconds) =>
        log(`${done} events, ${Math.round(done / seconds)} events/s`),
      );
      const cycles = await store.db
        .selectFrom('cycles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const summary = { backend, ...result, cycles: Number(cycles.n), host: os.hostname() };
      fs.writeFileSync(path.join(dir, `loaded-${backend}.json`), `${JSON.stringify(summary, null, 2)}\n`);
      log(JSON.stringify(summary));
    } finally {
      await store.close();
    }
  });
} else {
  const { measure } = await import('./metrics-measure.js');
  await withBackend((location) =>
    measure({
      backend,
      location,
      dir,
      runs: Number(values.runs),
      phases: String(values.phases).split(','),
      out: values.out,
      log,
    }),
  );
}
