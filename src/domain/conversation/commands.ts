import type { Actor } from '../events.js';

/**
 * What people (and integrations) ask of a conversation through the REST API. Each is checked by `decide`
 * against the current state and becomes one event.
 */
export type ConversationCommand =
  /** Owner and/or team: an absent field is kept, `null` clears it. A reassignment is just an assignment. */
  | { type: 'assign'; agentId?: string | null; teamId?: string | null; reason?: string }
  | { type: 'change-status'; status: string; snoozedUntil?: number; resolutionType?: string }
  | { type: 'add-tag'; tag: string }
  | { type: 'remove-tag'; tag: string }
  | { type: 'set-priority'; priority: string }
  | { type: 'set-type'; conversationType: string }
  | { type: 'add-note'; text: string }
  | { type: 'add-watcher'; watcherId: string }
  | { type: 'remove-watcher'; watcherId: string }
  | { type: 'update-deal'; stage?: string; value?: number; currency?: string }
  | { type: 'set-next-action'; text: string; dueAt: number | null }
  | { type: 'clear-next-action' };

export interface CommandContext {
  /**
   * The moment of the command. Its event is dated `now`, or just after the conversation's last event if
   * that is later (a source clock running ahead), so that it applies after everything it was checked against.
   */
  now: number;
  /** Who asks: recorded on the event (DESIGN.md principle 4). */
  actor: Actor;
  /**
   * A unique id of this command (the request's Idempotency-Key): the appended event's idempotency key is
   * `cmd:<commandId>`, so a retried request is stored once. Without it the key is
   * `cmd:<conversationId>:v<version>`: two commands decided on the same version then share a key, and
   * the ledger stores only the first; the storage layer answers the second as a `version_conflict`.
   */
  commandId?: string;
  /** The version the client saw; a different current version means someone acted meanwhile. */
  expectedVersion?: number;
}

export const MAX_TAG_LENGTH = 64;
export const MAX_NOTE_LENGTH = 10_000;
export const MAX_NEXT_ACTION_LENGTH = 500;
