import type { ConversationState } from './conversation-state.js';
import { deriveCycle } from './cycle.js';
import { wakeFromSnooze } from './lifecycle.js';

/**
 * The conversation as it stands at `now`: an expired snooze has ended, and the active cycle's time per
 * status and team includes its current spans up to `now`. The stored state counts finished spans only,
 * so that it depends on the events alone.
 */
export function conversationAsOf(state: ConversationState, now: number): ConversationState {
  const conversation = wakeFromSnooze(state, now);
  const cycle = conversation.cycles.at(-1);
  if (cycle === undefined || cycle.end !== null) return conversation;
  return { ...conversation, cycles: [...conversation.cycles.slice(0, -1), deriveCycle(cycle, now)] };
}
