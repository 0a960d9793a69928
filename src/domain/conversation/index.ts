/** The conversation engine: pure lifecycle, per-cycle facts and command checks (DESIGN.md, issue 3). */
export { conversationAsOf } from './as-of.js';
export { AUTO_RESOLUTION_TYPE, autoResolveDueAt, dueAutoResolve, inactiveSince } from './auto-resolve.js';
export * from './commands.js';
export { conversationIdFor, isEngineConversationId } from './conversation-id.js';
export type * from './conversation-state.js';
export { csatScore, isPositiveCsat } from './csat.js';
export { decide, type Decision } from './decide.js';
export * from './domain-error.js';
export { draftFor, type EventDraft } from './event-draft.js';
export * from './event-types.js';
export { evolveConversation } from './evolve.js';
export { isEnded } from './lifecycle.js';
export { parseMentions } from './mentions.js';
export { messageAuthorOf, isTemplateMessage, type MessageAuthor } from './message-author.js';
export { overdue } from './next-action.js';
export { windowClosesAt, windowOpen } from './service-window.js';
export * from './settings.js';
export { attributionFrom } from './source-attribution.js';
export {
  appliesInOrder,
  emptyThread,
  evolveThread,
  foldThread,
  type FoldOptions,
  type ThreadState,
} from './thread.js';
export { chatIdOf, threadKeyOf } from './thread-key.js';
export * from './vocabulary.js';
