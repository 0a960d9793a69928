const HOUR_MS = 60 * 60 * 1000;

/** The workspace settings the conversation lifecycle depends on. */
export interface ConversationSettings {
  /**
   * An inbound message at most this long (ms) after a cycle ended reopens the same conversation;
   * a later one opens a new conversation. Default 48 h (DESIGN.md "Vocabulary and lifecycle").
   */
  reopenWindowMs: number;
  /**
   * Resolve a cycle that is `open` or `pending-customer` after this long (ms) without a message or a
   * status change; `null` (the default) turns inactivity auto-resolve off.
   */
  autoResolveAfterMs: number | null;
  /**
   * Template ids whose messages are CSAT surveys (besides messages flagged `csatSurvey: true`): a customer's
   * rating-shaped reply to a survey is a rating of the surveyed cycle, not a message that reopens it.
   */
  csatSurveyTemplates?: readonly string[];
}

export const DEFAULT_CONVERSATION_SETTINGS: ConversationSettings = {
  reopenWindowMs: 48 * HOUR_MS,
  autoResolveAfterMs: null,
};

/**
 * WhatsApp allows free-form replies for 24 hours after the customer's last message; outside it only
 * templates. A Meta rule, not a workspace setting
 * (https://developers.facebook.com/docs/whatsapp/pricing#customer-service-windows).
 */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * HOUR_MS;
