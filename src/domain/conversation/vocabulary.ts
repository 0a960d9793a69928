/**
 * The conversation vocabulary of DESIGN.md "Vocabulary and lifecycle": statuses, priorities, types,
 * service modes and source kinds. Each list is the one place its values are spelled.
 */

export const CONVERSATION_STATUSES = [
  'open',
  'pending-customer',
  'pending-internal',
  'snoozed',
  'resolved',
  'closed-won',
  'closed-lost',
] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** The statuses that end a cycle. */
export const ENDING_STATUSES = ['resolved', 'closed-won', 'closed-lost'] as const;
export type EndingStatus = (typeof ENDING_STATUSES)[number];
export type ActiveStatus = Exclude<ConversationStatus, EndingStatus>;

export const isConversationStatus = (value: unknown): value is ConversationStatus =>
  (CONVERSATION_STATUSES as readonly unknown[]).includes(value);
export const isEndingStatus = (status: ConversationStatus): status is EndingStatus =>
  (ENDING_STATUSES as readonly string[]).includes(status);

/** P0 is the most urgent; the default SLA targets per priority live with the SLA policies, not here. */
export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];
/** Accepts `p1` as well as `P1`: people type priorities by hand. */
export function parsePriority(value: unknown): Priority | null {
  if (typeof value !== 'string') return null;
  const upper = value.trim().toUpperCase();
  return (PRIORITIES as readonly string[]).includes(upper) ? (upper as Priority) : null;
}

export const CONVERSATION_TYPES = [
  'inquiry',
  'support',
  'complaint',
  'opportunity',
  'renewal',
  'feedback',
  'onboarding',
] as const;
export type ConversationType = (typeof CONVERSATION_TYPES)[number];
export function parseConversationType(value: unknown): ConversationType | null {
  if (typeof value !== 'string') return null;
  const lower = value.trim().toLowerCase();
  return (CONVERSATION_TYPES as readonly string[]).includes(lower) ? (lower as ConversationType) : null;
}

/** `bot` is self-serve, `agent` is assisted; the bot->agent switch is a handoff. */
export const SERVICE_MODES = ['bot', 'agent'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];
export function parseServiceMode(value: unknown): ServiceMode | null {
  if (typeof value !== 'string') return null;
  const lower = value.trim().toLowerCase();
  // Sources say `human` as often as `agent`.
  if (lower === 'human') return 'agent';
  return (SERVICE_MODES as readonly string[]).includes(lower) ? (lower as ServiceMode) : null;
}

/** Where a conversation came from (DESIGN.md "Organisation"). A source may send another name; it is kept as sent. */
export const SOURCE_KINDS = ['ad', 'web', 'qr', 'referral', 'organic', 'campaign'] as const;
