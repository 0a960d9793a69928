/**
 * The measuring half of bench/metrics.ts: the overview's latency on the loaded data, then the baselines.
 *
 * The overview is what the dashboard's first screen asks: the summary, by day and by agent over 90 days
 * (three `GET /api/v1/metrics` questions, run here in process through `computeMetrics`, the function the
 * route calls). It runs `runs` times after one warm-up; p50/p95 are over the runs. Shorter windows show how
 * the cost follows the cycles in range.
 *
 * Baselines, same run, same figures (the subset they can compute) for the same window from the raw ledger:
 * - plain SQL on the same database: one query over `events`, JSON properties extracted, per chat first
 *   inbound / first agent reply / first resolution, grouped by day and by agent;
 * - DuckDB (`@duckdb/node-api`), when installed, over the same events exported once to Parquet-free CSV.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { percentile } from '../src/domain/kpi/percentile.js';
import { computeMetrics } from '../src/metrics/compute-metrics.js';
import { exportCyclesCsv } from '../src/metrics/export-cycles.js';
import type { GroupBy, MetricsQuery } from '../src/metrics/metrics-query.js';
import type { Store } from '../src/store/open.js';
import { loadMetricsSettings } from '../src/workspaces/metrics-settings.js';
import { openBenchStore, type Backend } from './metrics-data.js';

const DAY_MS = 86_400_000;

export interface MeasureOptions {
  backend: Backend;
  location: string;
  dir: string;
  runs: number;
  /** Which parts to run: `overview`, `export`, `baselines` (all by default). */
  phases: readonly string[];
  out: string | undefined;
  log: (line: string) => void;
}

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    runs: values.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted.at(-1) ?? null),
  };
};

async function overview(
  store: Store,
  base: Omit<MetricsQuery, 'groupBy'>,
): Promise<{ ms: number; parts: Record<string, number>; cycles: number }> {
  const parts: Record<string, number> = {};
  let cycles = 0;
  const started = performance.now();
  for (const groupBy of ['none', 'day', 'agent'] as GroupBy[]) {
    const t = performance.now();
    const rows = await computeMetrics(store.db, store.dialect, { ...base, groupBy });
    parts[groupBy] = performance.now() - t;
    if (groupBy === 'none') cycles = rows[0]?.metrics.cyclesOpened ?? 0;
  }
  return { ms: performance.now() - started, parts, cycles };
}

export async function measure(options: MeasureOptions): Promise<void> {
  const { log } = options;
  const store = openBenchStore(options.backend, options.location);
  try {
    const workspace = await store.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const settings = await loadMetricsSettings(store.db, workspace.id);
    if (options.backend === 'postgres') {
      // What autovacuum does in production: the visibility map that lets the covering indexes be read alone.
      for (const table of ['metric_facts', 'message_facts', 'contacts', 'contact_opt_outs'])
        await sql`VACUUM (ANALYZE) ${sql.table(table)}`.execute(store.db);
    }
    const span = await store.db
      .selectFrom('metric_facts')
      .select((eb) => [eb.fn.min<number>('at').as('first'), eb.fn.max<number>('at').as('last')])
      .where('workspace_id', '=', workspace.id)
      .executeTakeFirstOrThrow();
    const counts = {
      events: Number(
        (await sql<{ n: number }>`select count(*) as n from events`.execute(store.db)).rows[0]?.n,
      ),
      cycles: Number(
        (await sql<{ n: number }>`select count(*) as n from cycles`.execute(store.db)).rows[0]?.n,
      ),
      metricFacts: Number(
        (await sql<{ n: number }>`select count(*) as n from metric_facts`.execute(store.db)).rows[0]?.n,
      ),
      messageFacts: Number(
        (await sql<{ n: number }>`select count(*) as n from message_facts`.execute(store.db)).rows[0]?.n,
      ),
    };
    log(
      `data: ${JSON.stringify(counts)}, facts from ${new Date(span.first).toISOString()} to ${new Date(span.last).toISOString()}`,
    );
    const exportAll = async () => {
      const exportStarted = performance.now();
      let bytes = 0;
      let rows = 0;
      let peakRss = process.memoryUsage().rss;
      for await (const chunk of exportCyclesCsv(store.db, store.dialect, {
        workspaceId: workspace.id,
        filters: {},
        calendar: settings.calendar,
      })) {
        bytes += chunk.length;
        rows += chunk.split('\r\n').length - 1;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
      const result = {
        rows: rows - 1,
        megabytes: Math.round(bytes / 1e5) / 10,
        seconds: Math.round((performance.now() - exportStarted) / 100) / 10,
        peakRssMb: Math.round(peakRss / 1e6),
      };
      log(`export: ${JSON.stringify(result)}`);
      return result;
    };
    const to = Math.ceil((Number(span.last) + 1) / DAY_MS) * DAY_MS;
    const windows: Record<string, unknown> = {};
    for (const days of options.phases.includes('overview') ? [90, 7, 1] : []) {
      // The last days of generated traffic thin out: short windows end where it is steady.
      const end = days === 90 ? to : to - 4 * DAY_MS;
      const base = {
        workspaceId: workspace.id,
        from: end - days * DAY_MS,
        to: end,
        timeZone: settings.timeZone,
        businessHours: false,
        filters: {},
        settings,
      };
      const warm = await overview(store, base);
      const runs = days === 90 ? options.runs : Math.max(5, options.runs);
      const totals: number[] = [];
      const parts: Record<string, number[]> = { none: [], day: [], agent: [] };
      for (let run = 0; run < runs; run += 1) {
        const result = await overview(store, base);
        totals.push(result.ms);
        for (const [part, ms] of Object.entries(result.parts)) parts[part]?.push(ms);
      }
      windows[`${days}d`] = {
        cyclesInRange: warm.cycles,
        overviewMs: summary(totals),
        summaryMs: summary(parts.none ?? []),
        byDayMs: summary(parts.day ?? []),
        byAgentMs: summary(parts.agent ?? []),
      };
      log(`overview ${days}d (${warm.cycles} cycles): ${JSON.stringify(windows[`${days}d`])}`);
    }

    // Export: every cycle, written nowhere, with the process's peak RSS.
    let exported: unknown = null;
    if (options.phases.includes('export')) exported = await exportAll();

    const { runBaselines } = await import('./metrics-baselines.js');
    const baselines = !options.phases.includes('baselines')
      ? null
      : await runBaselines(
          store,
          options.backend,
          workspace.id,
          to - 90 * DAY_MS,
          to,
          settings.timeZone,
          path.join(options.dir, `events-${options.backend}.duckdb`),
          log,
        );

    const result = {
      benchmark: 'metrics',
      at: new Date().toISOString(),
      backend: options.backend,
      data: counts,
      target: { overviewP95Ms: 100 },
      windows,
      export: exported,
      baselines,
    };
    const file =
      options.out ??
      path.join(
        'bench',
        'results',
        `metrics-${options.backend}-${new Date().toISOString().slice(0, 10)}.json`,
      );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`written ${file}`);
  } finally {
    await store.close();
  }
}
