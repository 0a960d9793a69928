/**
 * Background jobs on a fixed interval. Each run gets `now` from the clock it was given, so tests drive
 * time themselves; a run never overlaps the previous one; `stop()` waits for a run in progress.
 */
export interface Job {
  name: string;
  run(now: number): Promise<unknown>;
}

export interface Scheduler {
  /** Runs every job once now (also what each tick does). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startScheduler(
  jobs: readonly Job[],
  options: { intervalMs: number; clock?: () => number; onError?: (job: string, error: unknown) => void },
): Scheduler {
  const clock = options.clock ?? Date.now;
  let current: Promise<void> | null = null;
  const runOnce = async () => {
    for (const job of jobs) {
      try {
        await job.run(clock());
      } catch (error) {
        options.onError?.(job.name, error);
      }
    }
  };
  const tick = () => {
    if (current) return;
    current = runOnce().finally(() => (current = null));
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    runOnce: async () => {
      while (current) await current;
      await runOnce();
    },
    stop: async () => {
      clearInterval(timer);
      if (current) await current;
    },
  };
}
