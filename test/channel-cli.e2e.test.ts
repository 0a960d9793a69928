/**
 * `chatledger channel add|list` as a user runs them (a child process from source), on both backends: the
 * channel is printed with its webhook path and secret hints only, and the server accepts its signed webhooks.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { signWhatsAppPayload, toMetaWireJson } from '../src/ingest/whatsapp/index.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';

const CLI = ['--import', 'tsx', path.resolve('src/cli/run.ts')];
const APP_SECRET = '9d1e0c7b5a3f2e4d6c8b0a9f1e3d5c7b';
const VERIFY_TOKEN = 'cli-verify-token-2026';
const ACCESS_TOKEN = `EAAB${'q9Zr'.repeat(30)}ZDZD`;
const SECRETS_KEY = 'cli-test-secrets-key-0123456789';

function chatledger(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CHATLEDGER_SECRETS_KEY: SECRETS_KEY, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const storageFlags = (database: TestDatabase) =>
  database.config.databaseUrl
    ? ['--database-url', database.config.databaseUrl]
    : ['--db', database.config.dbPath];

describe.each(BACKENDS)('chatledger channel on %s', (backend) => {
  let database: TestDatabase;
  let channel: Record<string, any>;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
    expect(chatledger(['workspace', 'create', 'Acme', ...storageFlags(database), '--json']).status).toBe(0);
  });
  afterAll(() => database.drop());

  it('channel add --json prints the channel with its webhook path, and no secret in full', () => {
    const result = chatledger([
      'channel',
      'add',
      '--phone-number-id',
      '106540352242922',
      '--app-secret',
      APP_SECRET,
      '--verify-token',
      VERIFY_TOKEN,
      '--access-token',
      ACCESS_TOKEN,
      '--name',
      'Ventas',
      ...storageFlags(database),
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    channel = JSON.parse(result.stdout);
    expect(channel).toMatchObject({
      phoneNumberId: '106540352242922',
      name: 'Ventas',
      webhookPath: `/webhooks/whatsapp/${channel.id}`,
      graphUrl: 'https://graph.facebook.com/v26.0',
      canSend: true,
      secrets: { appSecret: '9d1e…5c7b', encryptedAtRest: true, readable: true },
    });
    for (const secret of [APP_SECRET, VERIFY_TOKEN, ACCESS_TOKEN, SECRETS_KEY]) {
      expect(result.stdout).not.toContain(secret);
    }
  });

  it('refuses a second channel for the number, and a missing option, with a clear error', () => {
    const again = chatledger([
      'channel',
      'add',
      '--phone-number-id',
      '106540352242922',
      '--app-secret',
      'x',
      '--verify-token',
      'y',
      ...storageFlags(database),
    ]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('error: channel_exists');
    const incomplete = chatledger(['channel', 'add', '--phone-number-id', '1', ...storageFlags(database)]);
    expect(incomplete.status).not.toBe(0);
    expect(incomplete.stderr).toContain('--app-secret');
  });

  it('channel list shows it, readable only with the key it was written with', () => {
    const listed = chatledger(['channel', 'list', ...storageFlags(database), '--json']);
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: channel.id, secrets: channel.secrets }),
    ]);
    const human = chatledger(['channel', 'list', ...storageFlags(database)]);
    expect(human.stdout).toContain(channel.webhookPath);
    expect(human.stdout).toContain('encrypted at rest');
    const keyless = chatledger(['channel', 'list', ...storageFlags(database), '--json'], {
      CHATLEDGER_SECRETS_KEY: '',
    });
    expect(JSON.parse(keyless.stdout)[0].secrets).toMatchObject({ readable: false, appSecret: null });
  });

  it('the server accepts signed notifications on the webhook path it printed', async () => {
    const app = await startApp({ ...database.config, secretsKey: SECRETS_KEY });
    try {
      const body = toMetaWireJson({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                  contacts: [{ profile: { name: 'Lucía' }, wa_id: '5215512345678' }],
                  messages: [
                    {
                      from: '5215512345678',
                      id: 'wamid.CLI-1',
                      timestamp: '1780650000',
                      type: 'text',
                      text: { body: 'Hola' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      const response = await fetch(`${app.url}${channel.webhookPath}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWhatsAppPayload(body, APP_SECRET),
        },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ stored: 2 });
    } finally {
      await app.close();
    }
  });
});
