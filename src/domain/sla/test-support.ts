import { DateTime } from 'luxon';
import type { ConversationState, ThreadEvent } from '../conversation/conversation-state.js';
import { DEFAULT_CONVERSATION_SETTINGS } from '../conversation/settings.js';
import { foldThread } from '../conversation/thread.js';

/** Helpers for the SLA and escalation tests (no test runner import, so the build may compile it). Not used by production code. */

export function conversationOf(events: readonly ThreadEvent[]): ConversationState {
  const { conversations } = foldThread(events, DEFAULT_CONVERSATION_SETTINGS);
  if (conversations.length !== 1) throw new Error(`expected one conversation, got ${conversations.length}`);
  return conversations[0]!;
}

export const MADRID = 'Europe/Madrid';

/** An instant from a local ISO time in Madrid (Luxon is the independent oracle for local ↔ UTC). */
export function madrid(local: string): number {
  const dateTime = DateTime.fromISO(local, { zone: MADRID });
  if (!dateTime.isValid) throw new Error(`bad local time ${local}`);
  return dateTime.toMillis();
}

export const madridIso = (t: number): string =>
  DateTime.fromMillis(t, { zone: MADRID }).toFormat("ccc yyyy-LL-dd'T'HH:mm:ss");
