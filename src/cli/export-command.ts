/**
 * `chatledger export --out FILE`: the per-cycle CSV of `GET /api/v1/export/conversations.csv`, written to a
 * file as it is read from the database (flat memory for any number of cycles), with the same columns.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { openMigratedStore } from '../app.js';
import { AppError } from '../errors.js';
import { exportCyclesCsv } from '../metrics/export-cycles.js';
import { loadMetricsSettings } from '../workspaces/metrics-settings.js';
import { listWorkspaces } from '../workspaces/workspaces.js';
import { addConfigOptions, configFromOptions, STORAGE_KEYS } from './options.js';

export function addExportCommand(program: Command): void {
  addConfigOptions(
    program
      .command('export')
      .description('Write one CSV row per cycle with every per-cycle figure (docs/metrics.md "Export").'),
    STORAGE_KEYS,
  )
    .requiredOption('--out <file>', 'the CSV file to write ("-" for standard output)')
    .option('--workspace <id>', 'workspace (default: the only one)')
    .option('--from <instant>', 'only cycles started at or after this ISO 8601 instant')
    .option('--to <instant>', 'only cycles started before this ISO 8601 instant')
    .action(async (options: Record<string, unknown>) => {
      const instant = (name: 'from' | 'to') => {
        const value = options[name];
        if (value === undefined) return undefined;
        const parsed = Date.parse(String(value));
        if (Number.isNaN(parsed)) throw new AppError('invalid_request', `--${name}: not an ISO 8601 instant`);
        return parsed;
      };
      const [from, to] = [instant('from'), instant('to')];
      const store = await openMigratedStore(configFromOptions(options, STORAGE_KEYS));
      try {
        const workspaces = await listWorkspaces(store.db);
        const workspaceId =
          typeof options.workspace === 'string'
            ? options.workspace
            : workspaces.length === 1
              ? (workspaces[0] as { id: string }).id
              : null;
        if (workspaceId === null || !workspaces.some((workspace) => workspace.id === workspaceId)) {
          throw new AppError('workspace_required', 'name the workspace with --workspace');
        }
        const { calendar } = await loadMetricsSettings(store.db, workspaceId);
        const csv = exportCyclesCsv(store.db, store.dialect, {
          workspaceId,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          filters: {},
          calendar,
        });
        const out = options.out === '-' ? process.stdout : fs.createWriteStream(String(options.out));
        await pipeline(Readable.from(csv), out);
      } finally {
        await store.close();
      }
    });
}
