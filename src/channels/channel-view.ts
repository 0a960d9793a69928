/**
 * A channel as the API and the CLI show it: secrets only as hints (`abcd…wxyz`), never in full, and the webhook
 * path to paste into Meta's App Dashboard.
 */
import type { ChannelCounters } from './channel-stats.js';
import { webhookPathOf, type ChannelRecord, type WhatsAppChannel } from './channel-service.js';
import { maskSecret } from './secret-box.js';

export interface ChannelView {
  id: string;
  kind: 'whatsapp';
  name: string | null;
  phoneNumberId: string;
  /** Append to the server's public base URL for Meta's "Callback URL". */
  webhookPath: string;
  graphUrl: string;
  /** True when `graphUrl` comes from `WHATSAPP_GRAPH_URL` rather than from the channel. */
  graphUrlIsDefault: boolean;
  /** Whether replies can be sent through it (it has an access token). */
  canSend: boolean;
  secrets: {
    appSecret: string | null;
    verifyToken: string | null;
    accessToken: string | null;
    /** Every secret of the channel is stored encrypted (CHATLEDGER_SECRETS_KEY was set when written). */
    encryptedAtRest: boolean;
    /** False when this server cannot decrypt them (key missing or different): the hints are then null. */
    readable: boolean;
  };
  createdAt: string;
  updatedAt: string;
  stats?: ChannelStatsView;
}

export interface ChannelStatsView {
  signaturesRejected: number;
  notificationsAccepted: number;
  eventsStored: number;
  eventsDuplicate: number;
  itemsQuarantined: number;
  lastNotificationAt: string | null;
  lastSignatureRejectedAt: string | null;
}

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());

export function channelView(source: ChannelRecord | WhatsAppChannel, stats?: ChannelCounters): ChannelView {
  const record: ChannelRecord = 'readable' in source ? source : { readable: true, channel: source };
  const channel = record.channel;
  const hint = (secret: string | null) => (secret === null ? null : maskSecret(secret));
  return {
    id: channel.id,
    kind: 'whatsapp',
    name: channel.name,
    phoneNumberId: channel.phoneNumberId,
    webhookPath: webhookPathOf(channel.id),
    graphUrl: channel.graphUrl,
    graphUrlIsDefault: channel.graphUrlIsDefault,
    canSend: record.readable ? record.channel.accessToken !== null : record.channel.hasAccessToken,
    secrets: {
      appSecret: hint(channel.appSecret),
      verifyToken: hint(channel.verifyToken),
      accessToken: hint(channel.accessToken),
      encryptedAtRest: channel.encryptedAtRest,
      readable: record.readable,
    },
    createdAt: new Date(channel.createdAt).toISOString(),
    updatedAt: new Date(channel.updatedAt).toISOString(),
    ...(stats
      ? {
          stats: {
            signaturesRejected: stats.signaturesRejected,
            notificationsAccepted: stats.notificationsAccepted,
            eventsStored: stats.eventsStored,
            eventsDuplicate: stats.eventsDuplicate,
            itemsQuarantined: stats.itemsQuarantined,
            lastNotificationAt: iso(stats.lastNotificationAt),
            lastSignatureRejectedAt: iso(stats.lastSignatureRejectedAt),
          },
        }
      : {}),
  };
}
