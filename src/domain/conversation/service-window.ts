import type { ConversationState } from './conversation-state.js';
import { CUSTOMER_SERVICE_WINDOW_MS } from './settings.js';

/** When the 24-hour customer-service window closes: 24 h after the customer's last message; `null` if none. */
export const windowClosesAt = (conversation: ConversationState): number | null =>
  conversation.lastInboundAt === null ? null : conversation.lastInboundAt + CUSTOMER_SERVICE_WINDOW_MS;

/** Whether free-form replies are allowed at `now`; outside the window only templates are. */
export function windowOpen(conversation: ConversationState, now: number): boolean {
  const closesAt = windowClosesAt(conversation);
  return closesAt !== null && now < closesAt;
}
