/**
 * Branded identifiers: a ConversationId cannot be passed where a ContactId goes, although both are
 * strings at run time (the pattern Emmett calls `Brand<>`).
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type WorkspaceId = Brand<string, 'WorkspaceId'>;
export type EventId = Brand<string, 'EventId'>;
/** A customer: an E.164 phone number (`+5215512345678`) or an opaque id such as Meta's business-scoped user id. */
export type ContactId = Brand<string, 'ContactId'>;
/** A conversation as named by the source (`chatId`) or by the conversation engine. */
export type ConversationId = Brand<string, 'ConversationId'>;
/** A WhatsApp message id (`wamid.…`) or the capture source's own message id. */
export type MessageId = Brand<string, 'MessageId'>;

export const asWorkspaceId = (value: string) => value as WorkspaceId;
export const asEventId = (value: string) => value as EventId;
export const asContactId = (value: string) => value as ContactId;
export const asConversationId = (value: string) => value as ConversationId;
export const asMessageId = (value: string) => value as MessageId;
