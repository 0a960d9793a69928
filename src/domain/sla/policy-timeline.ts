import { compareByEventTime } from '../events.js';
import type { ConversationState, ThreadEvent } from '../conversation/conversation-state.js';
import { DEFAULT_CONVERSATION_SETTINGS, type ConversationSettings } from '../conversation/settings.js';
import { emptyThread, evolveThread } from '../conversation/thread.js';
import type { PolicySegment } from './evaluate-sla.js';
import { sameSla, slaFor, slaSubjectOf } from './select-policy.js';
import type { SlaConfig } from './sla-policy.js';

/**
 * The SLA history of every cycle of a thread: which SLA was in force from when, as `evaluateSla` takes it.
 * Built by folding the thread's events with the conversation engine itself (same sort, same dedupe, same
 * `evolveThread` as `foldThread`) and asking `slaFor` after each event, so a priority, team, type, tag or
 * channel change is dated by the event that made it, and the rules of which conversation an event belongs
 * to are the engine's, not a copy. Settings changes (a new SLA document) are dated by their own time.
 *
 * A segment starts when the SLA chosen for the cycle differs from the previous one (`sameSla`); the first
 * starts when the cycle does. Changes after a cycle ended are recorded too; they do not matter, because
 * every clock of the cycle stopped at its end.
 */

/** An SLA settings document in force from `from` on (the first one also before). */
export interface SlaConfigVersion {
  from: number;
  config: SlaConfig;
}

/** Key of a cycle in the result: `<conversationId>#<cycleIndex>`. */
export const cycleKey = (conversationId: string, cycleIndex: number): string =>
  `${conversationId}#${cycleIndex}`;

export function slaPolicyTimelines(
  events: readonly ThreadEvent[],
  config: SlaConfig | readonly SlaConfigVersion[],
  settings: ConversationSettings = DEFAULT_CONVERSATION_SETTINGS,
): Map<string, PolicySegment[]> {
  const versions: readonly SlaConfigVersion[] = Array.isArray(config)
    ? [...(config as readonly SlaConfigVersion[])].sort((a, b) => a.from - b.from)
    : [{ from: -Infinity, config: config as SlaConfig }];
  const configAt = (at: number): SlaConfig | null => {
    let found: SlaConfig | null = versions[0]?.config ?? null;
    for (const version of versions) if (version.from <= at) found = version.config;
    return found;
  };
  const timelines = new Map<string, PolicySegment[]>();
  const record = (conversations: readonly ConversationState[], at: number) => {
    const current = configAt(at);
    for (const conversation of conversations) {
      const cycle = conversation.cycles.at(-1);
      if (cycle === undefined) continue;
      const key = cycleKey(conversation.id, cycle.index);
      const sla = current === null ? null : slaFor(slaSubjectOf(conversation, cycle), current);
      const segments = timelines.get(key);
      if (segments === undefined) timelines.set(key, [{ from: cycle.startedAt, sla }]);
      else if (!sameSla(segments.at(-1)!.sla, sla)) segments.push({ from: at, sla });
    }
  };
  const seen = new Set<string>();
  const sorted = [...events].sort(compareByEventTime);
  let thread = emptyThread();
  let nextVersion = 1;
  for (const event of sorted) {
    while (nextVersion < versions.length && versions[nextVersion]!.from <= event.eventTime) {
      record(thread.conversations, versions[nextVersion]!.from);
      nextVersion += 1;
    }
    if (seen.has(event.idempotencyKey)) continue;
    seen.add(event.idempotencyKey);
    thread = evolveThread(thread, event, settings);
    record(thread.conversations, event.eventTime);
  }
  for (; nextVersion < versions.length; nextVersion += 1) {
    record(thread.conversations, versions[nextVersion]!.from);
  }
  return timelines;
}
