/**
 * Idempotency keys derived from the source's own ids, shared by every adapter so the same fact
 * reported twice (or by two adapters) counts once.
 *
 * A message and its statuses are different facts and get different key families: WhatsApp's `sent`
 * status and the record of the message the business sent share a type (`message.sent`) but must not
 * share a key, or whichever came first would swallow the other (and with it the agent or the pricing).
 */
export const messageKey = (type: string, messageId: string) => `${type}:${messageId}`;

export const statusKey = (status: string, messageId: string) => `status:${status}:${messageId}`;
