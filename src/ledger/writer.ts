/**
 * The ledger writer: group commit per workspace. Requests that arrive while a transaction is running
 * are merged into the next one, so many small concurrent batches cost one transaction (and one fsync)
 * instead of one each, and appends to a workspace never wait on each other's row lock in the database.
 * A request's promise resolves only after its events are committed: the capture API answers after that.
 */
import type { Transaction } from 'kysely';
import type { LedgerEvent, NewEvent } from '../domain/events.js';
import type { Store } from '../store/open.js';
import type { Database } from '../store/schema.js';
import { appendInTransaction, lockChainHead, type AppendOutcome } from './append.js';
import type { NewQuarantineItem } from './quarantine.js';

interface PendingAppend {
  events: readonly NewEvent[];
  quarantine: readonly NewQuarantineItem[];
  /** A command: decides its events inside the transaction, after the chain head is locked. Never grouped. */
  exclusive?: (trx: Transaction<Database>) => Promise<readonly NewEvent[]>;
  resolve(outcome: AppendOutcome): void;
  reject(error: unknown): void;
}

export type CommitListener = (workspaceId: string, events: readonly LedgerEvent[]) => void;

export class LedgerWriter {
  private readonly queues = new Map<string, PendingAppend[]>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly listeners = new Set<CommitListener>();

  constructor(
    private readonly store: Store,
    private readonly maxEventsPerCommit = 2000,
  ) {}

  append(
    workspaceId: string,
    events: readonly NewEvent[],
    quarantine: readonly NewQuarantineItem[] = [],
  ): Promise<AppendOutcome> {
    return this.enqueue(workspaceId, { events, quarantine });
  }

  /**
   * Runs `decide` in its own transaction, in turn with the workspace's other appends: it reads the
   * current state, returns the events to append (or throws to refuse), and nothing can be appended to
   * the workspace between its read and its append. This is how commands get optimistic concurrency
   * without a race between checking the version and writing.
   */
  appendDecided(
    workspaceId: string,
    decide: (trx: Transaction<Database>) => Promise<readonly NewEvent[]>,
  ): Promise<AppendOutcome> {
    return this.enqueue(workspaceId, { events: [], quarantine: [], exclusive: decide });
  }

  private enqueue(
    workspaceId: string,
    request: Omit<PendingAppend, 'resolve' | 'reject'>,
  ): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(workspaceId) ?? [];
      queue.push({ ...request, resolve, reject });
      this.queues.set(workspaceId, queue);
      if (!this.running.has(workspaceId)) this.running.set(workspaceId, this.drainQueue(workspaceId));
    });
  }

  /** Called with the events of every commit, after it is durable. */
  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every append accepted so far is committed (graceful shutdown). */
  async flush(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private async drainQueue(workspaceId: string): Promise<void> {
    const queue = this.queues.get(workspaceId) as PendingAppend[];
    try {
      while (queue.length > 0) {
        const group = takeGroup(queue, this.maxEventsPerCommit);
        try {
          this.settle(workspaceId, group, await this.commit(workspaceId, group));
        } catch (error) {
          // One bad request must not fail the others it was grouped with: retry each on its own.
          if (group.length === 1) group[0]?.reject(error);
          else for (const pending of group) await this.commitAlone(workspaceId, pending);
        }
      }
    } finally {
      // Synchronously after the last commit, so an append arriving now starts a fresh drain.
      this.queues.delete(workspaceId);
      this.running.delete(workspaceId);
    }
  }

  private async commitAlone(workspaceId: string, pending: PendingAppend): Promise<void> {
    try {
      this.settle(workspaceId, [pending], await this.commit(workspaceId, [pending]));
    } catch (error) {
      pending.reject(error);
    }
  }

  private commit(workspaceId: string, group: readonly PendingAppend[]): Promise<AppendOutcome> {
    const exclusive = group[0]?.exclusive;
    return this.store.db.transaction().execute(async (trx) => {
      if (exclusive) {
        await lockChainHead(trx, this.store.dialect, workspaceId);
        return appendInTransaction(trx, this.store.dialect, workspaceId, await exclusive(trx));
      }
      const events = group.flatMap((pending) => pending.events);
      const quarantine = group.flatMap((pending) => pending.quarantine);
      return appendInTransaction(trx, this.store.dialect, workspaceId, events, quarantine);
    });
  }

  /** Splits a group's outcome back into one outcome per request, in order. */
  private settle(workspaceId: string, group: readonly PendingAppend[], outcome: AppendOutcome): void {
    let eventOffset = 0;
    let quarantineOffset = 0;
    for (const pending of group) {
      // A command is alone in its commit, and its events are the ones it decided inside it.
      const count = pending.exclusive ? outcome.results.length : pending.events.length;
      const own = new Set(pending.events.map((event) => event.eventId as string));
      pending.resolve({
        results: outcome.results.slice(eventOffset, eventOffset + count),
        stored: pending.exclusive ? outcome.stored : outcome.stored.filter((event) => own.has(event.eventId)),
        quarantineIds: outcome.quarantineIds.slice(
          quarantineOffset,
          quarantineOffset + pending.quarantine.length,
        ),
      });
      eventOffset += count;
      quarantineOffset += pending.quarantine.length;
    }
    if (outcome.stored.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(workspaceId, outcome.stored);
      } catch {
        // A listener (live feed) failing must not touch the commit, which is already durable.
      }
    }
  }
}

/** The first waiting request, plus as many following plain appends as fit in one commit. */
function takeGroup(queue: PendingAppend[], maxEvents: number): PendingAppend[] {
  const group = [queue.shift() as PendingAppend];
  if (group[0]?.exclusive) return group;
  let size = group[0]?.events.length ?? 0;
  while (queue.length > 0 && !queue[0]?.exclusive && size + (queue[0]?.events.length ?? 0) <= maxEvents) {
    const next = queue.shift() as PendingAppend;
    size += next.events.length;
    group.push(next);
  }
  return group;
}
