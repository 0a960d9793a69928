/**
 * The database schema as Kysely sees it. Every table carries `workspace_id` (nothing crosses
 * workspaces). Times are epoch milliseconds; flags are 0/1 integers and JSON is text on both backends,
 * so the two databases return identical rows.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: number;
  /** JSON object of workspace settings (time zone, reopen window, ...). */
  settings: string;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  kind: 'write' | 'secret';
  /** SHA-256 of the key: keys are long random strings, so a fast hash is enough (not a password KDF). */
  key_hash: string;
  /** The first characters, so a user can tell keys apart without the secret. */
  key_prefix: string;
  created_at: number;
  revoked_at: number | null;
}

/** The ledger. Append-only: database triggers refuse UPDATE and DELETE. */
export interface EventsTable {
  position: Generated<number>;
  workspace_id: string;
  seq: number;
  event_id: string;
  idempotency_key: string;
  type: string;
  event_time: number;
  received_at: number;
  source: string;
  channel: string;
  actor_type: string;
  actor_id: string | null;
  contact_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  /** Canonical JSON of `{properties, context}`. */
  payload: string;
  prev_hash: string;
  hash: string;
}

/** The head of each workspace's hash chain; its row lock serialises appends to one workspace. */
export interface LedgerHeadsTable {
  workspace_id: string;
  seq: number;
  hash: string;
}

export interface QuarantineTable {
  id: string;
  workspace_id: string;
  received_at: number;
  source: string;
  /** The rejected input exactly as it came (JSON text). */
  raw: string;
  /** Request-level facts needed to replay it, such as the batch's sentAt (JSON text). */
  envelope: string;
  code: string;
  message: string;
  status: 'pending' | 'replayed';
  attempts: number;
  replayed_at: number | null;
  replayed_event_id: string | null;
}

export interface ContactsTable {
  workspace_id: string;
  contact_id: string;
  phone: string | null;
  country: string | null;
  name: string | null;
  /** Ordering key (event time + idempotency key) of the event the name came from: last writer wins. */
  name_version: string | null;
  source: string | null;
  source_version: string | null;
  opted_out: number;
  opted_version: string | null;
  first_seen_at: number;
  last_seen_at: number;
}

export interface MessagesTable {
  workspace_id: string;
  message_id: string;
  /** Null until the message event itself arrives (a status may come first). */
  direction: 'inbound' | 'outbound' | null;
  contact_id: string | null;
  chat_id: string | null;
  channel: string | null;
  content_type: string | null;
  has_media: number;
  text: string | null;
  template_id: string | null;
  agent_id: string | null;
  campaign_id: string | null;
  service_mode: string | null;
  actor_type: string | null;
  /** Ordering key of the message event, so a conflicting duplicate resolves the same way in any order. */
  message_version: string | null;
  message_at: number | null;
  status: string;
  status_rank: number;
  sent_at: number | null;
  delivered_at: number | null;
  read_at: number | null;
  played_at: number | null;
  failed_at: number | null;
  /** JSON of the failure reason, from the earliest failed status. */
  error: string | null;
  error_version: string | null;
  /** JSON of the pricing data of the earliest status that carried it (WhatsApp), for cost metrics. */
  pricing: string | null;
  pricing_version: string | null;
}

/** Every event type a workspace has sent, with counts: how unknown event names are listed. */
export interface EventTypesTable {
  workspace_id: string;
  type: string;
  count: number;
  first_seen_at: number;
  last_seen_at: number;
}

/** A conversation thread's folded state (src/domain/conversation/thread.ts), to extend it without a re-fold. */
export interface ThreadsTable {
  workspace_id: string;
  thread_key: string;
  /** Order key of the last event folded in: a later-sorting event extends the state, an earlier one re-folds. */
  last_order_key: string;
  state: string;
}

/** Which ledger events belong to which thread. */
export interface ThreadEventsTable {
  workspace_id: string;
  thread_key: string;
  position: number;
}

export interface ConversationsTable {
  workspace_id: string;
  conversation_id: string;
  thread_key: string;
  ordinal: number;
  chat_id: string | null;
  contact_id: string | null;
  channel: string;
  status: string;
  owner_type: string | null;
  owner_id: string | null;
  team_id: string | null;
  priority: string | null;
  conversation_type: string | null;
  service_mode: string | null;
  opened_at: number;
  last_inbound_at: number | null;
  last_outbound_at: number | null;
  last_activity_at: number;
  /** Start of the customer turn still waiting for a reply, or null. */
  waiting_since: number | null;
  /** End of WhatsApp's 24-hour customer-service window (last inbound + 24 h). */
  window_closes_at: number | null;
  next_action_due_at: number | null;
  superseded_by: string | null;
  cycle_count: number;
  version: number;
  /** JSON of the whole ConversationState. */
  state: string;
}

export interface ConversationTagsTable {
  workspace_id: string;
  conversation_id: string;
  thread_key: string;
  tag: string;
}

/** One row per cycle (open → end span): the per-cycle facts every metric is computed from. */
export interface CyclesTable {
  workspace_id: string;
  conversation_id: string;
  cycle_index: number;
  thread_key: string;
  channel: string;
  contact_id: string | null;
  started_at: number;
  ended_at: number | null;
  end_status: string | null;
  owner_id: string | null;
  team_id: string | null;
  first_response_at: number | null;
  first_response_seconds: number | null;
  first_responder_id: string | null;
  bot_first_response_seconds: number | null;
  resolution_seconds: number | null;
  reopened: number;
  service: string;
  inbound_count: number;
  outbound_count: number;
  handoff_count: number;
  csat_score: number | null;
  /** JSON of the whole Cycle. */
  facts: string;
  /** The cycle's dimensions as metrics see them (src/metrics/cycle-dimensions.ts); null before `rebuild` on old rows. */
  cycle_owner_id: string | null;
  cycle_team_id: string | null;
  priority: string | null;
  conversation_type: string | null;
  source: string | null;
  campaign: string | null;
  country: string | null;
  /** `|a|b|`: the cycle's tags between bars, so one tag is found as the substring `|a|`. */
  tags: string | null;
}

/**
 * A WhatsApp business number of a workspace (Cloud API `phone_number_id`) and what chatledger needs to hear
 * from it and answer through it. Secret columns hold `SecretBox` values: `plain:<text>`, or AES-256-GCM
 * ciphertext when `CHATLEDGER_SECRETS_KEY` is set (src/channels/secret-box.ts).
 */
export interface ChannelsTable {
  /** `ch_<random>`; names the webhook URL `/webhooks/whatsapp/<id>`. */
  id: string;
  workspace_id: string;
  /** Always `whatsapp` for now. */
  kind: string;
  name: string | null;
  phone_number_id: string;
  /** Meta app secret: the HMAC key of `X-Hub-Signature-256`. */
  app_secret: string;
  /** The token typed in the App Dashboard, echoed in the verification handshake. */
  verify_token: string;
  /** Graph API access token for sending; null when the channel only receives. */
  access_token: string | null;
  /** Graph API base URL; null uses `WHATSAPP_GRAPH_URL`. */
  graph_url: string | null;
  created_at: number;
  updated_at: number;
}

/** Webhook counters per channel, added to from each node's memory every few seconds (src/channels/channel-stats.ts). */
export interface ChannelStatsTable {
  workspace_id: string;
  channel_id: string;
  signatures_rejected: number;
  notifications_accepted: number;
  events_stored: number;
  events_duplicate: number;
  items_quarantined: number;
  last_notification_at: number | null;
  last_signature_rejected_at: number | null;
}

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  events: EventsTable;
  ledger_heads: LedgerHeadsTable;
  quarantine: QuarantineTable;
  contacts: ContactsTable;
  messages: MessagesTable;
  event_types: EventTypesTable;
  threads: ThreadsTable;
  thread_events: ThreadEventsTable;
  conversations: ConversationsTable;
  conversation_tags: ConversationTagsTable;
  cycles: CyclesTable;
  channels: ChannelsTable;
  channel_stats: ChannelStatsTable;
  metric_facts: MetricFactsTable;
  message_facts: MessageFactsTable;
  link_clicks: LinkClicksTable;
  contact_opt_outs: ContactOptOutsTable;
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  sessions: SessionsTable;
  canned_replies: CannedRepliesTable;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type QuarantineRow = Selectable<QuarantineTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type CycleRow = Selectable<CyclesTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type ChannelStatsRow = Selectable<ChannelStatsTable>;

/** Tables derived from the ledger: `chatledger rebuild` empties and refills exactly these. */
export const PROJECTION_TABLES = [
  'contacts',
  'messages',
  'event_types',
  'threads',
  'thread_events',
  'conversations',
  'conversation_tags',
  'cycles',
  'metric_facts',
  'message_facts',
  'link_clicks',
  'contact_opt_outs',
] as const;

/**
 * One dated figure of a cycle (src/metrics/cycle-facts.ts): what a metric counts or measures, dated by
 * DESIGN.md's dating rule, with the cycle's dimensions copied on the row so a metrics query reads one table.
 */
export interface MetricFactsTable {
  workspace_id: string;
  conversation_id: string;
  cycle_index: number;
  /** The kind of figure (`first_response`, `agent_response`, `resolution`, `rating`, ...: `FACT_KINDS`). */
  metric: string;
  /** 0, or the customer turn's index for per-turn reply times. */
  seq: number;
  /** When the figure became known (the dating rule). */
  at: number;
  /** Start of the measured span for durations (business time is measured over `[from_at, at)`). */
  from_at: number | null;
  /** Seconds for durations, the 1-5 score for ratings, the won revenue for sales, 1 for counts. */
  value: number;
  /** Business-hours seconds under the workspace calendar; null without a calendar or for non-durations. */
  business_value: number | null;
  /** Rating `positive`/`negative`, sale `won`/`lost`/`open`, ended cycle's service `bot-only`/`assisted`/`unattended`. */
  outcome: string | null;
  /** Who the figure is credited to: the replier, the owner at the end, the rated owner... */
  agent_id: string | null;
  team_id: string | null;
  channel: string;
  source: string | null;
  conversation_type: string | null;
  priority: string | null;
  country: string | null;
  campaign: string | null;
  /** `|a|b|` (see CyclesTable.tags). */
  tags: string;
}

/** One message with its delivery funnel and pricing, and the cycle (and its dimensions) it belongs to. */
export interface MessageFactsTable {
  workspace_id: string;
  message_id: string;
  /** The message's own time (or its earliest status while only statuses are known). */
  at: number;
  direction: 'inbound' | 'outbound';
  /** `customer`, `agent`, `bot` or `automated` (campaign and system messages). */
  author: string;
  sender_id: string | null;
  contact_id: string | null;
  channel: string | null;
  /** The contact's country (from the phone number). */
  country: string | null;
  delivered: number;
  read: number;
  failed: number;
  billable: number;
  pricing_category: string | null;
  template_id: string | null;
  /** 1 when the message asked for a CSAT rating (`properties.csatSurvey`). */
  survey: number;
  /** The message's own campaign. */
  campaign_id: string | null;
  /** 1 when the message carried a tracked link (`properties.trackedLink`, or it was clicked). */
  link: number;
  /** 1 when a `link.clicked` names the message. */
  clicked: number;
  conversation_id: string | null;
  cycle_index: number | null;
  /** The cycle's dimensions (null while the message belongs to no cycle). */
  agent_id: string | null;
  team_id: string | null;
  source: string | null;
  conversation_type: string | null;
  priority: string | null;
  campaign: string | null;
  tags: string;
}

/** Messages whose tracked link was clicked, with the first click. */
export interface LinkClicksTable {
  workspace_id: string;
  message_id: string;
  first_at: number;
}

/** A contact's opt-out state: last writer wins by event order key (`version`), dated by that event. */
export interface ContactOptOutsTable {
  workspace_id: string;
  contact_id: string;
  opted_out: number;
  at: number;
  version: string;
  country: string | null;
}

export type MetricFactRow = Selectable<MetricFactsTable>;
export type MessageFactRow = Selectable<MessageFactsTable>;

export const USER_ROLES = ['admin', 'manager', 'agent'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A person who signs in; also the agent who owns conversations (`users.id` is the events' `agentId`). */
export interface UsersTable {
  id: string;
  workspace_id: string;
  /** Lower-cased, unique across the installation. */
  email: string;
  name: string;
  role: UserRole;
  /** scrypt hash in PHC-like text form (src/users/passwords.ts). */
  password_hash: string;
  /** 1 after a generated one-time password: the next sign-in must set a new one. */
  must_change_password: number;
  /** JSON array of routing skills (`es`, `billing`, `vip`). */
  skills: string;
  /** Most active conversations routing gives them; null = the workspace default. */
  capacity: number | null;
  /** Preferred UI language (`en`, `es`); null = the browser's. */
  language: string | null;
  /** IANA time zone for dates in the UI; null = the browser's. */
  time_zone: string | null;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}

export interface TeamsTable {
  workspace_id: string;
  id: string;
  name: string;
  created_at: number;
}

export interface TeamMembersTable {
  workspace_id: string;
  team_id: string;
  user_id: string;
  /** 1 for a team lead (escalations can notify or reassign to the lead). */
  is_lead: number;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself lives only in the user's cookie. */
  token_hash: string;
  workspace_id: string;
  user_id: string;
  /** Sent back by the browser in `X-CSRF-Token` on state-changing requests. */
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface CannedRepliesTable {
  workspace_id: string;
  id: string;
  shortcut: string;
  text: string;
  language: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}
