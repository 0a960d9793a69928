/**
 * Why part of a WhatsApp notification produced no event. Each rejection names the JSON path of the item, a
 * stable code (listed in the docs and safe to match on), a human sentence, and the raw item for the quarantine.
 */
export const WHATSAPP_REJECTION_CODES = [
  /** The body is not a WhatsApp Business Account notification, or its `entry`/`changes`/`value` is not shaped as one. */
  'whatsapp_invalid_payload',
  /** A change for a webhook field other than `messages` (templates, account updates, ...): not mapped. */
  'whatsapp_unsupported_field',
  /** A `messages[]` item without an id, a timestamp, a sender or a well-formed body for its type. */
  'whatsapp_invalid_message',
  /** A `statuses[]` item without an id, a status or a timestamp. */
  'whatsapp_invalid_status',
  /** A `statuses[]` item whose `status` is not sent, delivered, read, failed or played. */
  'whatsapp_unsupported_status',
  /** A value-level `errors[]` item: Meta reporting a system-, app- or account-level problem. */
  'whatsapp_error',
] as const;
export type WhatsAppRejectionCode = (typeof WHATSAPP_REJECTION_CODES)[number];

export interface WhatsAppRejection {
  /** JSON path of the item inside the notification, e.g. `entry[0].changes[1].value.messages[2]`. */
  path: string;
  code: WhatsAppRejectionCode;
  message: string;
  raw: unknown;
}
