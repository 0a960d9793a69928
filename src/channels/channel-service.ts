/**
 * WhatsApp channels: create, list, read and change them, and look them up for the webhook and for sending.
 * One instance per process; the API, the webhook and the CLI share the same code.
 *
 * Secrets pass through `SecretBox` on the way in and out, so the database never holds them in clear when
 * `CHATLEDGER_SECRETS_KEY` is set, and nothing outside this module sees a stored (sealed) form.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/open.js';
import type { ChannelRow, Database } from '../store/schema.js';
import { randomToken } from '../workspaces/keys.js';
import {
  createChannelInput,
  parseChannelInput,
  updateChannelInput,
  type CreateChannelInput,
  type UpdateChannelInput,
} from './channel-input.js';
import { ChannelStats } from './channel-stats.js';
import { isSealed, SecretBox } from './secret-box.js';

/** A channel with its secrets in clear: for the webhook and the Graph client only, never for an answer. */
export interface WhatsAppChannel {
  id: string;
  workspaceId: string;
  name: string | null;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string | null;
  /** The Graph API base URL to use: the channel's own, else `WHATSAPP_GRAPH_URL`. */
  graphUrl: string;
  graphUrlIsDefault: boolean;
  encryptedAtRest: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What the webhook needs for one request, cached for a few seconds. */
export interface WebhookChannel {
  channel: WhatsAppChannel;
  /** Every business number the channel's workspace has registered. */
  workspacePhoneNumberIds: ReadonlySet<string>;
}

export interface ChannelServiceOptions {
  /** `CHATLEDGER_SECRETS_KEY`. */
  secretsKey: string | undefined;
  /** `WHATSAPP_GRAPH_URL`. */
  defaultGraphUrl: string;
  /** How long the webhook may use a channel it looked up (a changed secret applies within this time). */
  cacheTtlMs?: number;
  /** Flush interval of the webhook counters; 0 flushes only on `flushStats()`/`close()`. */
  statsFlushMs?: number;
  now?: () => number;
}

export const WEBHOOK_PATH_PREFIX = '/webhooks/whatsapp/';
export const webhookPathOf = (channelId: string) => `${WEBHOOK_PATH_PREFIX}${channelId}`;

export class ChannelService {
  readonly stats: ChannelStats;
  private readonly box: SecretBox;
  private readonly cache = new Map<string, { value: WebhookChannel | null; until: number }>();
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: ChannelServiceOptions,
  ) {
    this.box = new SecretBox(options.secretsKey);
    this.stats = new ChannelStats(store, options.statsFlushMs ?? 5000);
    this.now = options.now ?? Date.now;
  }

  private get db(): Kysely<Database> {
    return this.store.db;
  }

  /** Whether secrets written now are encrypted. */
  get encryptsSecrets(): boolean {
    return this.box.encrypts;
  }

  async create(workspaceId: string, input: CreateChannelInput | unknown): Promise<WhatsAppChannel> {
    const value = parseChannelInput(createChannelInput, input);
    const existing = await this.db
      .selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('phone_number_id', '=', value.phoneNumberId)
      .executeTakeFirst();
    if (existing) throw channelExists(value.phoneNumberId, existing.id);
    const id = `ch_${randomToken(16)}`;
    const now = this.now();
    const row: ChannelRow = {
      id,
      workspace_id: workspaceId,
      kind: 'whatsapp',
      name: value.name ?? null,
      phone_number_id: value.phoneNumberId,
      app_secret: this.box.seal(value.appSecret, secretContext(id, 'app_secret')),
      verify_token: this.box.seal(value.verifyToken, secretContext(id, 'verify_token')),
      access_token:
        value.accessToken === undefined
          ? null
          : this.box.seal(value.accessToken, secretContext(id, 'access_token')),
      graph_url: value.graphUrl ?? null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('channels').values(row).execute();
        await trx
          .insertInto('channel_stats')
          .values({
            workspace_id: workspaceId,
            channel_id: id,
            signatures_rejected: 0,
            notifications_accepted: 0,
            events_stored: 0,
            events_duplicate: 0,
            items_quarantined: 0,
            last_notification_at: null,
            last_signature_rejected_at: null,
          })
          .execute();
      });
    } catch (error) {
      // Two creations of the same number racing: the unique constraint decides, the loser gets the same answer.
      const winner = await this.findByPhoneNumberId(workspaceId, value.phoneNumberId);
      if (winner) throw channelExists(value.phoneNumberId, winner.id);
      throw error;
    }
    this.cache.clear();
    return this.open(row);
  }

  async list(workspaceId: string): Promise<ChannelRecord[]> {
    const rows = await this.db
      .selectFrom('channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => this.record(row));
  }

  /** The channel of this workspace, or `channel_not_found` (404): another workspace's channel is not found. */
  async get(workspaceId: string, channelId: string): Promise<ChannelRecord> {
    return this.record(await this.requireRow(workspaceId, channelId));
  }

  async update(
    workspaceId: string,
    channelId: string,
    input: UpdateChannelInput | unknown,
  ): Promise<WhatsAppChannel> {
    const change = parseChannelInput(updateChannelInput, input);
    const row = await this.requireRow(workspaceId, channelId);
    const seal = (value: string, field: string) => this.box.seal(value, secretContext(channelId, field));
    const next: ChannelRow = {
      ...row,
      name: change.name === undefined ? row.name : change.name,
      app_secret: change.appSecret === undefined ? row.app_secret : seal(change.appSecret, 'app_secret'),
      verify_token:
        change.verifyToken === undefined ? row.verify_token : seal(change.verifyToken, 'verify_token'),
      access_token:
        change.accessToken === undefined
          ? row.access_token
          : change.accessToken === null
            ? null
            : seal(change.accessToken, 'access_token'),
      graph_url: change.graphUrl === undefined ? row.graph_url : change.graphUrl,
      updated_at: this.now(),
    };
    await this.db
      .updateTable('channels')
      .set({
        name: next.name,
        app_secret: next.app_secret,
        verify_token: next.verify_token,
        access_token: next.access_token,
        graph_url: next.graph_url,
        updated_at: next.updated_at,
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', channelId)
      .execute();
    this.cache.clear();
    return this.open(next);
  }

  /**
   * The channel a webhook URL names, with its secrets, or null when there is none. Cached for `cacheTtlMs`
   * (5 s by default) so a burst of notifications costs one lookup; a node that changed a channel forgets its
   * cache at once, other nodes within that time. Throws `secrets_key_missing`/`secrets_key_mismatch` (503).
   */
  async forWebhook(channelId: string): Promise<WebhookChannel | null> {
    const now = this.now();
    const cached = this.cache.get(channelId);
    if (cached && cached.until > now) return cached.value;
    const row = await this.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', channelId)
      .executeTakeFirst();
    const value = row
      ? {
          channel: this.open(row),
          workspacePhoneNumberIds: await this.phoneNumberIds(row.workspace_id),
        }
      : null;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(channelId, { value, until: now + (this.options.cacheTtlMs ?? 5000) });
    return value;
  }

  /** The business numbers a workspace has registered as channels. */
  async phoneNumberIds(workspaceId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('channels')
      .select('phone_number_id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    return new Set(rows.map((row) => row.phone_number_id));
  }

  /**
   * The channel to send through, with its access token: by channel id, or by the business number
   * (`phone_number_id`, which is what events record as their `channel`). Errors: `channel_not_found` (404),
   * `channel_cannot_send` (409) when it has no access token.
   */
  async forSending(
    workspaceId: string,
    ref: { channelId: string } | { phoneNumberId: string },
  ): Promise<WhatsAppChannel & { accessToken: string }> {
    const row =
      'channelId' in ref
        ? await this.requireRow(workspaceId, ref.channelId)
        : await this.findByPhoneNumberId(workspaceId, ref.phoneNumberId);
    if (!row) {
      const phoneNumberId = 'phoneNumberId' in ref ? ref.phoneNumberId : '';
      throw new AppError(
        'channel_not_found',
        `no WhatsApp channel for business number ${phoneNumberId}`,
        404,
      );
    }
    const channel = this.open(row);
    if (channel.accessToken === null) {
      throw new AppError(
        'channel_cannot_send',
        `channel ${channel.id} has no access token: set one with PATCH /api/v1/channels/${channel.id}`,
        409,
        { channelId: channel.id },
      );
    }
    return channel as WhatsAppChannel & { accessToken: string };
  }

  /** Writes pending webhook counters (the server calls it at shutdown). */
  async close(): Promise<void> {
    await this.stats.close();
  }

  private async findByPhoneNumberId(workspaceId: string, phoneNumberId: string) {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('phone_number_id', '=', phoneNumberId)
      .executeTakeFirst();
  }

  private async requireRow(workspaceId: string, channelId: string): Promise<ChannelRow> {
    const row = await this.db
      .selectFrom('channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', channelId)
      .executeTakeFirst();
    if (!row) throw new AppError('channel_not_found', `no channel ${channelId} in this workspace`, 404);
    return row;
  }

  /** Secrets in clear. Throws when they cannot be decrypted. */
  private open(row: ChannelRow): WhatsAppChannel {
    const open = (stored: string, field: string) => this.box.open(stored, secretContext(row.id, field));
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      name: row.name,
      phoneNumberId: row.phone_number_id,
      appSecret: open(row.app_secret, 'app_secret'),
      verifyToken: open(row.verify_token, 'verify_token'),
      accessToken: row.access_token === null ? null : open(row.access_token, 'access_token'),
      graphUrl: row.graph_url ?? this.options.defaultGraphUrl,
      graphUrlIsDefault: row.graph_url === null,
      encryptedAtRest: storedEncrypted(row),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** For listings: the channel, or, when its secrets cannot be decrypted here, the channel without them. */
  private record(row: ChannelRow): ChannelRecord {
    try {
      return { readable: true, channel: this.open(row) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return {
        readable: false,
        reason: error.code,
        channel: {
          id: row.id,
          workspaceId: row.workspace_id,
          name: row.name,
          phoneNumberId: row.phone_number_id,
          appSecret: null,
          verifyToken: null,
          accessToken: null,
          hasAccessToken: row.access_token !== null,
          graphUrl: row.graph_url ?? this.options.defaultGraphUrl,
          graphUrlIsDefault: row.graph_url === null,
          encryptedAtRest: storedEncrypted(row),
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        },
      };
    }
  }
}

/** A listed channel: readable (secrets in clear, to be masked by the view) or not (secrets unknown). */
export type ChannelRecord =
  | { readable: true; channel: WhatsAppChannel }
  | {
      readable: false;
      reason: string;
      channel: Omit<WhatsAppChannel, 'appSecret' | 'verifyToken' | 'accessToken'> & {
        appSecret: null;
        verifyToken: null;
        accessToken: null;
        hasAccessToken: boolean;
      };
    };

/** Additional authenticated data of a sealed secret: the row and column it belongs to. */
const secretContext = (channelId: string, field: string) => `channels:${channelId}:${field}`;

const storedEncrypted = (row: ChannelRow) =>
  isSealed(row.app_secret) &&
  isSealed(row.verify_token) &&
  (row.access_token === null || isSealed(row.access_token));

const channelExists = (phoneNumberId: string, channelId: string) =>
  new AppError(
    'channel_exists',
    `this workspace already has channel ${channelId} for business number ${phoneNumberId}`,
    409,
    { channelId },
  );

/** The service's options from the configuration. */
export const channelServiceOptionsOf = (config: Config): ChannelServiceOptions => ({
  secretsKey: config.secretsKey,
  defaultGraphUrl: config.whatsappGraphUrl,
});
