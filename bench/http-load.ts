/**
 * Closed-loop HTTP load: `clients` concurrent senders, each with one request in flight at a time over
 * its own keep-alive connection, draining one shared source of batches. Every loop ends by itself
 * (the source runs dry, an error limit is hit, or the deadline passes) and every request has a timeout.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  url: string;
  writeKey: string;
  clients: number;
  /** Gives the next request body and the number of events in it, or undefined when there is no more. */
  nextBody(): { body: string; events: number } | undefined;
  /** The whole load stops sending at this `Date.now()`. */
  deadline: number;
  requestTimeoutMs?: number;
  /** Stop after this many failed requests (a failure is any answer but 200, or a network error). */
  maxErrors?: number;
  /** Called about every `progressMs` with events acknowledged so far. */
  onProgress?: (events: number, elapsedMs: number) => void;
  progressMs?: number;
}

export interface LoadResult {
  requests: number;
  /** Events in acknowledged (200) requests. */
  events: number;
  /** From the first request sent to the last answer received. */
  elapsedMs: number;
  /** Per-request acknowledgement latency in ms, one per 200 answer, in completion order. */
  latenciesMs: Float64Array;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first rejections the server reported, for diagnosis. */
  rejections: unknown[];
  errors: string[];
  timedOut: boolean;
}

interface CaptureAnswer {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

function post(
  agent: http.Agent,
  url: URL,
  writeKey: string,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${writeKey}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL('/v1/batch', options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const maxErrors = options.maxErrors ?? 10;
  const timeoutMs = options.requestTimeoutMs ?? 120_000;
  const latencies: number[] = [];
  const result: Omit<LoadResult, 'latenciesMs' | 'elapsedMs'> = {
    requests: 0,
    events: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejections: [],
    errors: [],
    timedOut: false,
  };
  const started = performance.now();
  const progress = setInterval(
    () => options.onProgress?.(result.events, performance.now() - started),
    options.progressMs ?? 5_000,
  );
  const stopped = () => {
    if (Date.now() > options.deadline) result.timedOut = true;
    return result.timedOut || result.errors.length >= maxErrors;
  };

  const client = async () => {
    while (!stopped()) {
      const next = options.nextBody();
      if (next === undefined) return;
      const sent = performance.now();
      result.requests += 1;
      try {
        const answer = await post(agent, url, options.writeKey, next.body, timeoutMs);
        const latency = performance.now() - sent;
        if (answer.status !== 200) {
          result.errors.push(`HTTP ${answer.status}: ${answer.text.slice(0, 500)}`);
          continue;
        }
        latencies.push(latency);
        const parsed = JSON.parse(answer.text) as CaptureAnswer;
        result.events += next.events;
        result.accepted += parsed.accepted;
        result.duplicates += parsed.duplicates;
        result.rejected += parsed.rejected.length;
        if (result.rejections.length < 5) result.rejections.push(...parsed.rejected.slice(0, 5));
      } catch (error) {
        result.errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.clients }, client));
  } finally {
    clearInterval(progress);
    agent.destroy();
  }
  return { ...result, elapsedMs: performance.now() - started, latenciesMs: Float64Array.from(latencies) };
}
