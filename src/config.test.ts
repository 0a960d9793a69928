import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configMarkdownTable, ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('takes flags over environment over defaults', () => {
    expect(loadConfig({}, {}).port).toBe(8080);
    expect(loadConfig({}, { PORT: '9000' }).port).toBe(9000);
    expect(loadConfig({ port: '9100' }, { PORT: '9000' }).port).toBe(9100);
    expect(loadConfig({}, {}).databaseUrl).toBeUndefined();
  });

  it('rejects bad values with the key named', () => {
    expect(() => loadConfig({}, { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ maxBatchEvents: '0' }, {})).toThrow(/--max-batch-events must be at least 1/);
    expect(() => loadConfig({}, { SQLITE_SYNCHRONOUS: 'sometimes' })).toThrow(/SQLITE_SYNCHRONOUS/);
  });

  it("the README's configuration table is the one generated from the configuration", () => {
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(
      readme,
      'README.md is stale: paste configMarkdownTable() from src/config.ts between the config markers',
    ).toContain(`<!-- config:start -->\n${configMarkdownTable()}\n<!-- config:end -->`);
  });
});
