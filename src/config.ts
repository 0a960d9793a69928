/**
 * The one typed configuration, and the only module that reads `process.env`.
 *
 * Every key is declared once below with its environment variable, its command-line flag, its default
 * and its help text; `chatledger --help`, `chatledger serve --help` and the README's configuration
 * table are generated from this list (the approach of PostHog's `getConfigHelp`).
 */
import path from 'node:path';

type Kind = 'string' | 'integer' | 'boolean';

type DefaultOf<K extends Kind> = K extends 'integer'
  ? number
  : K extends 'boolean'
    ? boolean
    : string | undefined;

interface KeyDefinition<K extends Kind, D extends DefaultOf<K> = DefaultOf<K>> {
  env: string;
  flag: string;
  kind: K;
  /** `undefined` means the key is optional and has no default. */
  default: D;
  help: string;
  /** Lower bound for integers. */
  min?: number;
}

const key = <K extends Kind, D extends DefaultOf<K>>(definition: KeyDefinition<K, D>) => definition;

export const CONFIG_KEYS = {
  port: key({
    env: 'PORT',
    flag: 'port',
    kind: 'integer',
    default: 8080,
    min: 0,
    help: 'HTTP port to listen on.',
  }),
  host: key({
    env: 'HOST',
    flag: 'host',
    kind: 'string',
    default: '0.0.0.0',
    help: 'Address to listen on; 127.0.0.1 keeps the server private to this machine.',
  }),
  dbPath: key({
    env: 'CHATLEDGER_DB',
    flag: 'db',
    kind: 'string',
    default: './data/chatledger.db',
    help: 'SQLite database file, created and migrated on first start. Ignored when DATABASE_URL is set.',
  }),
  databaseUrl: key({
    env: 'DATABASE_URL',
    flag: 'database-url',
    kind: 'string',
    default: undefined,
    help: 'postgres://user:pass@host:port/db switches storage to PostgreSQL 15+ (several nodes may share it).',
  }),
  sqliteSynchronous: key({
    env: 'SQLITE_SYNCHRONOUS',
    flag: 'sqlite-synchronous',
    kind: 'string',
    default: 'FULL',
    help: 'SQLite durability: FULL survives power loss for every acknowledged batch; NORMAL is faster but may lose the last batches on power loss (not on a process crash).',
  }),
  keysFile: key({
    env: 'CHATLEDGER_KEYS_FILE',
    flag: 'keys-file',
    kind: 'string',
    default: undefined,
    help: 'Where the default workspace keys are written on first start (default: chatledger-keys.json next to the SQLite file, or ./data/ on PostgreSQL).',
  }),
  logLevel: key({
    env: 'LOG_LEVEL',
    flag: 'log-level',
    kind: 'string',
    default: 'info',
    help: 'fatal, error, warn, info, debug, trace or silent.',
  }),
  maxBodyBytes: key({
    env: 'CAPTURE_MAX_BODY_BYTES',
    flag: 'max-body-bytes',
    kind: 'integer',
    default: 16 * 1024 * 1024,
    min: 1024,
    help: 'Largest request body the capture API accepts (code body_too_large).',
  }),
  maxBatchEvents: key({
    env: 'CAPTURE_MAX_BATCH_EVENTS',
    flag: 'max-batch-events',
    kind: 'integer',
    default: 10_000,
    min: 1,
    help: 'Most events in one capture batch (code too_many_events).',
  }),
  maxEventBytes: key({
    env: 'CAPTURE_MAX_EVENT_BYTES',
    flag: 'max-event-bytes',
    kind: 'integer',
    default: 256 * 1024,
    min: 256,
    help: 'Largest single event, as JSON (code event_too_large).',
  }),
  maxFutureSeconds: key({
    env: 'CAPTURE_MAX_FUTURE_SECONDS',
    flag: 'max-future-seconds',
    kind: 'integer',
    default: 3600,
    min: 0,
    help: 'How far past the server clock an event timestamp may lie after sentAt correction (code timestamp_in_future).',
  }),
  commitBatchEvents: key({
    env: 'LEDGER_COMMIT_BATCH_EVENTS',
    flag: 'commit-batch-events',
    kind: 'integer',
    default: 2000,
    min: 1,
    help: 'Most events written in one ledger transaction when concurrent requests are committed together.',
  }),
  secretsKey: key({
    env: 'CHATLEDGER_SECRETS_KEY',
    flag: 'secrets-key',
    kind: 'string',
    default: undefined,
    help: 'Encrypts channel secrets (app secret, verify token, access token) at rest with AES-256-GCM. Unset: they are stored in plain text. Keep it: secrets written with a key cannot be read without it.',
  }),
  whatsappGraphUrl: key({
    env: 'WHATSAPP_GRAPH_URL',
    flag: 'whatsapp-graph-url',
    kind: 'string',
    default: 'https://graph.facebook.com/v26.0',
    help: 'Graph API base URL (with version) for WhatsApp channels that set none; point it at a local fake for tests or the sandbox.',
  }),
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
type ValueOf<K extends ConfigKey> = (typeof CONFIG_KEYS)[K]['default'] extends undefined
  ? string | undefined
  : NonNullable<DefaultOf<(typeof CONFIG_KEYS)[K]['kind']>>;
export type Config = { [K in ConfigKey]: ValueOf<K> };

export class ConfigError extends Error {
  readonly code = 'invalid_config';
}

function parseValue(name: string, definition: KeyDefinition<Kind>, raw: string): string | number | boolean {
  if (definition.kind === 'string') return raw;
  if (definition.kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`${name} must be true or false, got "${raw}"`);
  }
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  if (definition.min !== undefined && value < definition.min) {
    throw new ConfigError(`${name} must be at least ${definition.min}, got ${value}`);
  }
  return value;
}

/**
 * Builds the configuration: command-line flags win over environment variables, which win over defaults.
 * `flags` holds values already parsed by the CLI, keyed by config key (strings or numbers).
 */
export function loadConfig(
  flags: Partial<Record<ConfigKey, string | number | boolean | undefined>> = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const config: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeyDefinition<Kind>][]) {
    const flagValue = flags[name];
    const envValue = env[definition.env];
    if (flagValue !== undefined) {
      config[name] = parseValue(`--${definition.flag}`, definition, String(flagValue));
    } else if (envValue !== undefined && envValue !== '') {
      config[name] = parseValue(definition.env, definition, envValue);
    } else {
      config[name] = definition.default;
    }
  }
  const result = config as Config;
  if (!['FULL', 'NORMAL', 'EXTRA'].includes(result.sqliteSynchronous.toUpperCase())) {
    throw new ConfigError(
      `SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA, got "${result.sqliteSynchronous}"`,
    );
  }
  return result;
}

/** The keys file sits next to the SQLite database so a new user finds it; PostgreSQL uses ./data/. */
export function keysFilePath(config: Config): string {
  if (config.keysFile) return config.keysFile;
  const directory = config.databaseUrl ? './data' : path.dirname(config.dbPath);
  return path.join(directory, 'chatledger-keys.json');
}

/** `--flag <value>  help (env VAR, default D)` lines, for the CLI's --help and the README table. */
export function describeConfig(keys: readonly ConfigKey[] = Object.keys(CONFIG_KEYS) as ConfigKey[]) {
  return keys.map((name) => {
    const definition: KeyDefinition<Kind> = CONFIG_KEYS[name];
    return {
      name,
      flag: `--${definition.flag}`,
      env: definition.env,
      kind: definition.kind,
      default: definition.default,
      help: definition.help,
    };
  });
}

/** The README's configuration table (a test keeps the README in step with this). */
export function configMarkdownTable(): string {
  const rows = describeConfig().map(
    (key) =>
      `| \`${key.env}\` | \`${key.flag}\` | ${key.default === undefined ? '—' : `\`${String(key.default)}\``} | ${key.help} |`,
  );
  return ['| Environment | Flag | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
