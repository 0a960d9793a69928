/**
 * The `chatledger` command: serve, workspace, verify, rebuild, quarantine. Every option is a key of the
 * one configuration (src/config.ts), so `--help` shows each key's help, environment variable and default.
 */
import { Command } from 'commander';
import { CONFIG_KEYS, describeConfig, type Config, type ConfigKey } from '../config.js';
import { AppError } from '../errors.js';
import { captureLimitsOf } from '../http/server.js';
import { replayQuarantine } from '../ingest/replay.js';
import { listQuarantine } from '../ledger/quarantine.js';
import { verifyLedger } from '../ledger/verify.js';
import { LedgerWriter } from '../ledger/writer.js';
import { rebuildProjections } from '../projections/rebuild.js';
import { openMigratedStore, startApp } from '../app.js';
import type { Store } from '../store/open.js';
import { createWorkspace, listWorkspaces } from '../workspaces/workspaces.js';
import { addConfigOptions, configFromOptions, STORAGE_KEYS } from './options.js';
import { addChannelCommands } from './channel-commands.js';
import { addDemoCommand } from './demo-command.js';
import { addExportCommand } from './export-command.js';
import { progressBar } from './progress.js';

const ALL_KEYS = Object.keys(CONFIG_KEYS) as ConfigKey[];
const print = (value: unknown) =>
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);

function configurationHelp(): string {
  const lines = describeConfig().map(
    (key) =>
      `  ${key.env.padEnd(28)} ${key.flag.padEnd(22)} ${key.help}${key.default === undefined ? '' : ` [default: ${String(key.default)}]`}`,
  );
  return `\nConfiguration (flag beats environment variable beats default):\n${lines.join('\n')}\n`;
}

async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openMigratedStore(config);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The workspace a command acts on: the one named, or the only one there is. */
async function chooseWorkspace(store: Store, requested: string | undefined): Promise<string> {
  const workspaces = await listWorkspaces(store.db);
  if (requested) {
    if (!workspaces.some((workspace) => workspace.id === requested)) {
      throw new AppError('workspace_not_found', `no workspace ${requested}`);
    }
    return requested;
  }
  if (workspaces.length === 1) return (workspaces[0] as { id: string }).id;
  throw new AppError(
    'workspace_required',
    workspaces.length === 0
      ? 'there is no workspace yet: run `chatledger workspace create NAME`'
      : `several workspaces exist; pass --workspace (${workspaces.map((w) => w.id).join(', ')})`,
  );
}

export function buildCli(): Command {
  const program = new Command('chatledger')
    .description('Traceable, measurable WhatsApp customer conversations.')
    .addHelpText('after', configurationHelp)
    .showHelpAfterError();

  addConfigOptions(
    program
      .command('serve')
      .description('Start the HTTP server (creates and migrates the database on first start).'),
    ALL_KEYS,
  ).action(async (options: Record<string, unknown>) => {
    const config = configFromOptions(options, ALL_KEYS);
    const app = await startApp(config, (line) => print(line));
    print(`chatledger listening on ${app.url} (${app.store.dialect.name}: ${app.store.location})`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      print(`${signal} received: finishing in-flight batches, then closing the database`);
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

  const workspace = program.command('workspace').description('Manage workspaces (one per business).');
  addConfigOptions(
    workspace
      .command('create <name>')
      .description('Create a workspace and print its keys (shown only once).'),
    STORAGE_KEYS,
  )
    .option('--json', 'print {"id","writeKey","secretKey"} as JSON')
    .action(async (name: string, options: Record<string, unknown>) => {
      const created = await withStore(configFromOptions(options, STORAGE_KEYS), (store) =>
        createWorkspace(store.db, name, Date.now()),
      );
      if (options.json)
        print(JSON.stringify({ id: created.id, writeKey: created.writeKey, secretKey: created.secretKey }));
      else
        print(
          `workspace ${created.name} (${created.id})\n  write key:  ${created.writeKey}\n  secret key: ${created.secretKey}`,
        );
    });
  addConfigOptions(workspace.command('list').description('List workspaces.'), STORAGE_KEYS)
    .option('--json', 'print JSON')
    .action(async (options: Record<string, unknown>) => {
      const rows = await withStore(configFromOptions(options, STORAGE_KEYS), (store) =>
        listWorkspaces(store.db),
      );
      const items = rows.map((row) => ({
        id: row.id,
        name: row.name,
        createdAt: new Date(row.created_at).toISOString(),
      }));
      print(
        options.json
          ? JSON.stringify(items)
          : items.map((item) => `${item.id}  ${item.name}  ${item.createdAt}`).join('\n'),
      );
    });

  addConfigOptions(
    program
      .command('verify')
      .description("Recompute every workspace's hash chain and name the first event that does not match."),
    STORAGE_KEYS,
  )
    .option('--workspace <id>', 'only this workspace')
    .option('--json', 'print the report as JSON')
    .action(async (options: Record<string, unknown>) => {
      const bar = options.json ? undefined : progressBar('verify');
      const report = await withStore(configFromOptions(options, STORAGE_KEYS), (store) =>
        verifyLedger(store.db, {
          ...(typeof options.workspace === 'string' ? { workspaceId: options.workspace } : {}),
          onProgress: (done) => bar?.update(done, Math.max(done, 1)),
        }),
      );
      bar?.stop();
      if (options.json) print(JSON.stringify(report));
      else if (report.ok) print(`ok: ${report.events} events in ${report.workspaces} workspace(s) verified`);
      else {
        const problem = report.problem;
        print(
          `FAILED: ${problem?.reason} in workspace ${problem?.workspaceId} at seq ${problem?.seq}` +
            (problem?.eventId ? ` (event ${problem.eventId}, position ${problem.position})` : '') +
            `\n  ${problem?.message}`,
        );
      }
      if (!report.ok) process.exitCode = 1;
    });

  addConfigOptions(
    program
      .command('rebuild')
      .description('Drop every projection and rebuild it from the ledger (stop the server first).'),
    STORAGE_KEYS,
  ).action(async (options: Record<string, unknown>) => {
    const bar = progressBar('rebuild');
    const result = await withStore(configFromOptions(options, STORAGE_KEYS), (store) =>
      rebuildProjections(store, (done, total) => bar.update(done, total)),
    );
    bar.stop();
    print(`rebuilt projections from ${result.events} events`);
  });

  const quarantine = program.command('quarantine').description('Inspect and replay rejected input.');
  addConfigOptions(
    quarantine.command('list').description('List quarantined input with its reason.'),
    STORAGE_KEYS,
  )
    .option('--workspace <id>', 'workspace (default: the only one)')
    .option('--status <status>', 'pending, replayed or all', 'pending')
    .option('--limit <n>', 'most items', '100')
    .option('--json', 'print JSON')
    .action(async (options: Record<string, unknown>) => {
      const config = configFromOptions(options, STORAGE_KEYS);
      const rows = await withStore(config, async (store) =>
        listQuarantine(store.db, await chooseWorkspace(store, options.workspace as string | undefined), {
          status: options.status as 'pending',
          limit: Number(options.limit),
        }),
      );
      if (options.json)
        print(JSON.stringify(rows.map((row) => ({ ...row, raw: JSON.parse(row.raw) as unknown }))));
      else if (rows.length === 0) print('the quarantine is empty');
      else
        print(
          rows
            .map(
              (row) =>
                `${row.id}  ${new Date(row.received_at).toISOString()}  ${row.source}  ${row.code}: ${row.message}`,
            )
            .join('\n'),
        );
    });
  addConfigOptions(
    quarantine
      .command('replay [ids...]')
      .description('Replay quarantined items (all pending ones with --all).'),
    [...STORAGE_KEYS, 'maxBatchEvents', 'maxEventBytes', 'maxFutureSeconds'],
  )
    .option('--workspace <id>', 'workspace (default: the only one)')
    .option('--all', 'replay every pending item')
    .option('--json', 'print JSON')
    .action(async (ids: string[], options: Record<string, unknown>) => {
      if (ids.length === 0 && !options.all)
        throw new AppError('invalid_request', 'name the items to replay, or pass --all');
      const config = configFromOptions(options, [
        ...STORAGE_KEYS,
        'maxBatchEvents',
        'maxEventBytes',
        'maxFutureSeconds',
      ]);
      const results = await withStore(config, async (store) => {
        const writer = new LedgerWriter(store, config.commitBatchEvents);
        const workspaceId = await chooseWorkspace(store, options.workspace as string | undefined);
        return replayQuarantine(
          store.db,
          writer,
          workspaceId,
          options.all ? 'all' : ids,
          captureLimitsOf(config),
        );
      });
      if (options.json) print(JSON.stringify(results));
      else
        print(
          results
            .map(
              (result) =>
                `${result.id}  ${result.status}${result.code ? `  ${result.code}: ${result.message}` : ''}`,
            )
            .join('\n') || 'nothing to replay',
        );
    });
  addChannelCommands(program);
  addDemoCommand(program);
  addExportCommand(program);
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof AppError || (error instanceof Error && 'code' in error)) {
      console.error(`error: ${(error as { code: string }).code}: ${error.message}`);
    } else console.error(error);
    process.exitCode = 1;
  }
}
