/**
 * SLA policies, their evaluation and escalation rules: pure functions of a conversation, the settings and
 * `now` (docs/sla-and-routing.md). The scheduler (src/jobs) loads, evaluates, appends and arms timers.
 */
export * from './compliance.js';
export * from './conditions.js';
export type { ConfigIssue, ConfigParseResult } from './config-issues.js';
export { formatDuration, parseDuration, type DurationParseResult } from './duration.js';
export * from './escalation.js';
export * from './escalation-rules.js';
export * from './evaluate-sla.js';
export * from './policy-timeline.js';
export * from './select-policy.js';
export * from './sla-clock.js';
export * from './sla-config.js';
export * from './sla-events.js';
export * from './sla-policy.js';
