import type { ConversationState } from './conversation-state.js';

/** A next action is overdue once its due time has passed and nobody has cleared or replaced it. */
export function overdue(conversation: ConversationState, now: number): boolean {
  const dueAt = conversation.nextAction?.dueAt ?? null;
  return dueAt !== null && now > dueAt;
}
