/**
 * Assignment of chats to agents: availability, routing settings, the queue and the strategies, as pure
 * functions (docs/sla-and-routing.md). The scheduler and the command layer load the state and append the drafts.
 */
export * from './agents.js';
export * from './availability.js';
export * from './route.js';
export * from './routing-config.js';
export * from './routing-events.js';
export * from './routing-queue.js';
export * from './routing-state.js';
