/**
 * `chatledger channel add|list`: WhatsApp channels from the command line, with the same validation and the
 * same secret handling as `/api/v1/channels`. Secrets are printed only as hints (`abcd…wxyz`).
 */
import type { Command } from 'commander';
import { ChannelService, channelServiceOptionsOf } from '../channels/channel-service.js';
import { channelView, type ChannelView } from '../channels/channel-view.js';
import type { Config, ConfigKey } from '../config.js';
import { AppError } from '../errors.js';
import { openMigratedStore } from '../app.js';
import type { Store } from '../store/open.js';
import { listWorkspaces } from '../workspaces/workspaces.js';
import { addConfigOptions, configFromOptions, STORAGE_KEYS } from './options.js';

const CHANNEL_KEYS: ConfigKey[] = [...STORAGE_KEYS, 'secretsKey', 'whatsappGraphUrl'];

const print = (text: string) => process.stdout.write(`${text}\n`);

export function addChannelCommands(program: Command): void {
  const channel = program
    .command('channel')
    .description('Manage WhatsApp channels (one per business number) and their webhook URLs.');

  addConfigOptions(
    channel
      .command('add')
      .description('Add a WhatsApp business number and print its webhook path for the Meta App Dashboard.'),
    CHANNEL_KEYS,
  )
    .requiredOption(
      '--phone-number-id <id>',
      'Cloud API phone_number_id (App Dashboard → WhatsApp → API Setup)',
    )
    .requiredOption(
      '--app-secret <secret>',
      'Meta app secret (App settings → Basic): checks X-Hub-Signature-256',
    )
    .requiredOption(
      '--verify-token <token>',
      'the Verify token you type next to the Callback URL in the dashboard',
    )
    .option('--access-token <token>', 'Graph API access token, to send replies through this number')
    .option('--graph-url <url>', 'Graph API base URL for this channel (default: WHATSAPP_GRAPH_URL)')
    .option('--name <name>', 'a label for people')
    .option('--workspace <id>', 'workspace (default: the only one)')
    .option('--json', 'print the channel as JSON')
    .action(async (options: Record<string, unknown>) => {
      const config = configFromOptions(options, CHANNEL_KEYS);
      const view = await withChannels(config, async (channels, store) => {
        const workspaceId = await chooseWorkspace(store, options.workspace as string | undefined);
        const input = {
          phoneNumberId: options.phoneNumberId,
          appSecret: options.appSecret,
          verifyToken: options.verifyToken,
          ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }),
          ...(options.graphUrl === undefined ? {} : { graphUrl: options.graphUrl }),
          ...(options.name === undefined ? {} : { name: options.name }),
        };
        return channelView(await channels.create(workspaceId, input));
      });
      if (options.json) {
        print(JSON.stringify(view));
        return;
      }
      print(describe(view));
      print(
        `\nIn the Meta App Dashboard (WhatsApp → Configuration → Webhook):\n` +
          `  Callback URL:  https://<your public host>${view.webhookPath}\n` +
          `  Verify token:  the one you just gave (--verify-token)\n` +
          `  Then subscribe to the "messages" webhook field.`,
      );
      if (!view.secrets.encryptedAtRest) {
        print('\nNote: CHATLEDGER_SECRETS_KEY is not set, so these secrets are stored in plain text.');
      }
    });

  addConfigOptions(channel.command('list').description('List WhatsApp channels.'), CHANNEL_KEYS)
    .option('--workspace <id>', 'workspace (default: the only one)')
    .option('--json', 'print JSON')
    .action(async (options: Record<string, unknown>) => {
      const config = configFromOptions(options, CHANNEL_KEYS);
      const views = await withChannels(config, async (channels, store) => {
        const workspaceId = await chooseWorkspace(store, options.workspace as string | undefined);
        return (await channels.list(workspaceId)).map((record) => channelView(record));
      });
      if (options.json) print(JSON.stringify(views));
      else
        print(
          views.length === 0
            ? 'no channels yet: `chatledger channel add --help`'
            : views.map(describe).join('\n\n'),
        );
    });
}

function describe(view: ChannelView): string {
  const secret = (hint: string | null) =>
    hint ?? (view.secrets.readable ? '(none)' : '(encrypted, key not available)');
  return [
    `${view.id}  WhatsApp ${view.phoneNumberId}${view.name ? `  ${view.name}` : ''}`,
    `  webhook path:  ${view.webhookPath}`,
    `  graph url:     ${view.graphUrl}${view.graphUrlIsDefault ? ' (default)' : ''}`,
    `  app secret:    ${secret(view.secrets.appSecret)}`,
    `  verify token:  ${secret(view.secrets.verifyToken)}`,
    `  access token:  ${secret(view.secrets.accessToken)}${view.canSend ? '' : ' (cannot send replies)'}`,
    `  secrets:       ${view.secrets.encryptedAtRest ? 'encrypted at rest' : 'stored in plain text'}`,
  ].join('\n');
}

async function withChannels<T>(config: Config, work: (channels: ChannelService, store: Store) => Promise<T>) {
  const store = await openMigratedStore(config);
  try {
    return await work(new ChannelService(store, channelServiceOptionsOf(config)), store);
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
      ? 'there is no workspace yet: run `chatledger workspace create NAME` (or start the server once)'
      : `several workspaces exist; pass --workspace (${workspaces.map((w) => w.id).join(', ')})`,
  );
}
