/**
 * `chatledger demo`: a live system without a Meta account (src/demo/run-demo.ts). It keeps to its own
 * database (`./data/demo.db`, keys in `demo-keys.json` next to it) so demo data never mixes with real data;
 * `--db` or `--database-url` / DATABASE_URL choose another store. It listens on loopback unless `--host`
 * says otherwise, and the server logs only errors, so the terminal shows the story.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { ConfigKey } from '../config.js';
import { AppError } from '../errors.js';
import { DEMO_DEFAULTS, runDemo, type DemoHandle } from '../demo/run-demo.js';
import { addConfigOptions, configFromOptions } from './options.js';

/** Keys the demo takes from flags and the environment like `serve` does; the others get demo defaults. */
const DEMO_KEYS: ConfigKey[] = ['port', 'databaseUrl', 'sqliteSynchronous', 'secretsKey'];
const DEMO_DB = './data/demo.db';

const print = (line: string) => process.stdout.write(`${line}\n`);

export function addDemoCommand(program: Command): void {
  addConfigOptions(
    program
      .command('demo')
      .description(
        'Run the server with a simulated WhatsApp number and live customer traffic (no Meta account needed).',
      ),
    DEMO_KEYS,
  )
    .option('--db <path>', `SQLite file for the demo, apart from real data [default: ${DEMO_DB}]`)
    .option('--host <address>', 'address to listen on [default: 127.0.0.1]')
    .option(
      '--keys-file <path>',
      'where the demo workspace keys are saved [default: demo-keys.json next to the database]',
    )
    .option('--log-level <level>', 'server log level [default: error]')
    .option('--speed <x>', `script delays are divided by this [default: ${DEMO_DEFAULTS.speed}]`)
    .option('--customers <n>', `conversations in progress at a time [default: ${DEMO_DEFAULTS.customers}]`)
    .option('--conversations <n>', 'stop after this many live conversations [default: no limit]')
    .option('--duration <seconds>', 'stop after this many seconds of live traffic [default: until Ctrl-C]')
    .option(
      '--history-days <d>',
      `days of past conversations written on a new demo database; 0 for none [default: ${DEMO_DEFAULTS.historyDays}]`,
    )
    .option('--seed <n>', 'the same seed plays the same customers and stories [default: random]')
    .action(async (options: Record<string, unknown>) => {
      const base = configFromOptions(options, DEMO_KEYS);
      const dbPath = typeof options.db === 'string' ? options.db : DEMO_DB;
      const config = {
        ...base,
        dbPath,
        host: typeof options.host === 'string' ? options.host : '127.0.0.1',
        logLevel: typeof options.logLevel === 'string' ? options.logLevel : 'error',
        keysFile:
          typeof options.keysFile === 'string'
            ? options.keysFile
            : path.join(base.databaseUrl ? './data' : path.dirname(dbPath), 'demo-keys.json'),
      };
      const handle = await runDemo({
        config,
        ...numberOption(options, 'speed', 'speed'),
        ...numberOption(options, 'customers', 'customers'),
        ...numberOption(options, 'conversations', 'conversations'),
        ...numberOption(options, 'duration', 'durationSeconds'),
        ...numberOption(options, 'historyDays', 'historyDays'),
        ...numberOption(options, 'seed', 'seed'),
        print,
      });
      await untilStopped(handle);
    });
}

function numberOption(options: Record<string, unknown>, name: string, as: string): Record<string, number> {
  const raw = options[name];
  if (raw === undefined) return {};
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
    const flag = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    throw new AppError('invalid_request', `--${flag} must be a number, got "${String(raw)}"`);
  }
  return { [as]: value };
}

/** Runs until the traffic ends by itself, or SIGINT/SIGTERM; then closes the server gracefully. */
async function untilStopped(handle: DemoHandle): Promise<void> {
  let signalled = false;
  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        print(`${signal} again: exiting without waiting`);
        process.exit(130);
      }
      signalled = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const reason = await Promise.race([
    handle.finished.then(
      () => 'done',
      () => 'failed',
    ),
    stopped,
  ]);
  if (reason !== 'done' && reason !== 'failed') {
    print(`${reason} received: finishing in-flight requests, then closing the server and the database`);
  }
  try {
    await handle.stop();
  } finally {
    print(`demo stopped; the data stays in the demo database (${handle.app.store.location})`);
  }
}
