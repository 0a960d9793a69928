/**
 * Webhook counters per channel: signatures rejected, notifications accepted, events stored and found
 * duplicate, items quarantined, and when the last notification and the last rejected signature came.
 *
 * Why in memory first: a webhook request must not pay a second write transaction (one more fsync on SQLite)
 * for a counter. Each node adds to its own in-memory deltas and flushes them every few seconds, at shutdown,
 * with `count = count + delta`, so several nodes on one PostgreSQL add up instead of overwriting each other.
 * A reader sees the stored figures plus this node's unflushed deltas. The price: a crash loses at most one
 * flush interval of counts on that node, and another node's counts appear after its next flush. The ledger
 * and the quarantine, not these counters, are the record of what was stored.
 */
import { sql } from 'kysely';
import type { Store } from '../store/open.js';

export interface ChannelCounters {
  signaturesRejected: number;
  notificationsAccepted: number;
  eventsStored: number;
  eventsDuplicate: number;
  itemsQuarantined: number;
  lastNotificationAt: number | null;
  lastSignatureRejectedAt: number | null;
}

type CountKey = Exclude<keyof ChannelCounters, 'lastNotificationAt' | 'lastSignatureRejectedAt'>;
const COUNT_COLUMNS: Record<CountKey, string> = {
  signaturesRejected: 'signatures_rejected',
  notificationsAccepted: 'notifications_accepted',
  eventsStored: 'events_stored',
  eventsDuplicate: 'events_duplicate',
  itemsQuarantined: 'items_quarantined',
};
const COUNT_KEYS = Object.keys(COUNT_COLUMNS) as CountKey[];

export const emptyCounters = (): ChannelCounters => ({
  signaturesRejected: 0,
  notificationsAccepted: 0,
  eventsStored: 0,
  eventsDuplicate: 0,
  itemsQuarantined: 0,
  lastNotificationAt: null,
  lastSignatureRejectedAt: null,
});

const latest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function addCounters(into: ChannelCounters, delta: Partial<ChannelCounters>): void {
  for (const key of COUNT_KEYS) into[key] += delta[key] ?? 0;
  into.lastNotificationAt = latest(into.lastNotificationAt, delta.lastNotificationAt ?? null);
  into.lastSignatureRejectedAt = latest(into.lastSignatureRejectedAt, delta.lastSignatureRejectedAt ?? null);
}

interface Pending {
  workspaceId: string;
  channelId: string;
  counters: ChannelCounters;
}

export class ChannelStats {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly flushIntervalMs = 5000,
  ) {}

  /** Adds to a channel's counters (in memory until the next flush). */
  add(workspaceId: string, channelId: string, delta: Partial<ChannelCounters>): void {
    const key = `${workspaceId}\n${channelId}`;
    const entry = this.pending.get(key) ?? { workspaceId, channelId, counters: emptyCounters() };
    addCounters(entry.counters, delta);
    this.pending.set(key, entry);
    if (this.timer === undefined && this.flushIntervalMs > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush().catch(() => {
          // Kept in memory and retried with the next flush; the counters are not the record of anything.
        });
      }, this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Stored figures plus this node's unflushed deltas. */
  async read(workspaceId: string, channelId: string): Promise<ChannelCounters> {
    const row = await this.store.db
      .selectFrom('channel_stats')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    const counters = emptyCounters();
    if (row) {
      addCounters(counters, {
        signaturesRejected: row.signatures_rejected,
        notificationsAccepted: row.notifications_accepted,
        eventsStored: row.events_stored,
        eventsDuplicate: row.events_duplicate,
        itemsQuarantined: row.items_quarantined,
        lastNotificationAt: row.last_notification_at,
        lastSignatureRejectedAt: row.last_signature_rejected_at,
      });
    }
    const unflushed = this.pending.get(`${workspaceId}\n${channelId}`);
    if (unflushed) addCounters(counters, unflushed.counters);
    return counters;
  }

  /** Writes every pending delta; on failure the deltas stay pending. Flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushPending());
    return this.flushing;
  }

  /** Stops the timer and writes what is pending (at shutdown, before the store closes). */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async flushPending(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    for (const [index, entry] of batch.entries()) {
      try {
        await this.write(entry);
      } catch (error) {
        for (const unwritten of batch.slice(index)) {
          this.add(unwritten.workspaceId, unwritten.channelId, unwritten.counters);
        }
        throw error;
      }
    }
  }

  private async write({ workspaceId, channelId, counters }: Pending): Promise<void> {
    const greatest = sql.raw(this.store.dialect.greatestFunction);
    const latestOf = (column: string, value: number | null) =>
      value === null
        ? sql<number | null>`${sql.ref(column)}`
        : sql<number | null>`${greatest}(coalesce(${sql.ref(column)}, 0), ${value})`;
    const increments: Record<string, unknown> = {};
    for (const key of COUNT_KEYS) {
      if (counters[key] !== 0) {
        const column = COUNT_COLUMNS[key];
        increments[column] = sql`${sql.ref(column)} + ${counters[key]}`;
      }
    }
    const result = await this.store.db
      .updateTable('channel_stats')
      .set({
        ...increments,
        last_notification_at: latestOf('last_notification_at', counters.lastNotificationAt),
        last_signature_rejected_at: latestOf('last_signature_rejected_at', counters.lastSignatureRejectedAt),
      })
      .where('workspace_id', '=', workspaceId)
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return;
    // Channels get their row when created; this covers a row removed by hand.
    await this.store.db
      .insertInto('channel_stats')
      .values({
        workspace_id: workspaceId,
        channel_id: channelId,
        signatures_rejected: counters.signaturesRejected,
        notifications_accepted: counters.notificationsAccepted,
        events_stored: counters.eventsStored,
        events_duplicate: counters.eventsDuplicate,
        items_quarantined: counters.itemsQuarantined,
        last_notification_at: counters.lastNotificationAt,
        last_signature_rejected_at: counters.lastSignatureRejectedAt,
      })
      .execute();
  }
}
