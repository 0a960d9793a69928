import { Option, type Command } from 'commander';
import { CONFIG_KEYS, loadConfig, type Config, type ConfigKey } from '../config.js';

/** The storage keys every command that opens the database accepts. */
export const STORAGE_KEYS: ConfigKey[] = ['dbPath', 'databaseUrl', 'sqliteSynchronous'];

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());

/** Adds one `--flag <value>` per config key, with the key's help, environment variable and default. */
export function addConfigOptions(command: Command, keys: readonly ConfigKey[]): Command {
  for (const name of keys) {
    const definition = CONFIG_KEYS[name];
    const shown = definition.default === undefined ? '' : ` [default: ${String(definition.default)}]`;
    command.addOption(
      new Option(
        `--${definition.flag} <${definition.kind === 'integer' ? 'n' : 'value'}>`,
        `${definition.help} (env ${definition.env})${shown}`,
      ),
    );
  }
  return command;
}

/** The configuration from a command's parsed options, falling back to the environment and defaults. */
export function configFromOptions(options: Record<string, unknown>, keys: readonly ConfigKey[]): Config {
  const flags: Partial<Record<ConfigKey, string>> = {};
  for (const name of keys) {
    const value = options[camel(CONFIG_KEYS[name].flag)];
    if (typeof value === 'string') flags[name] = value;
  }
  return loadConfig(flags);
}
