/**
 * A capture request from body to answer: batch-level limits first (a breach rejects the request and
 * stores nothing), then each event on its own: the valid ones are appended, the others quarantined with
 * their reason, all in one commit. The answer is given only once that commit is durable.
 */
import { randomUUID } from 'node:crypto';
import type { EventSource, NewEvent } from '../../domain/events.js';
import { AppError } from '../../errors.js';
import type { NewQuarantineItem } from '../../ledger/quarantine.js';
import type { LedgerWriter } from '../../ledger/writer.js';
import { prepareCaptureEvent } from './prepare-event.js';

export interface CaptureLimits {
  maxBatchEvents: number;
  maxEventBytes: number;
  maxFutureMs: number;
}

export interface CaptureAnswer {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; code: string; message: string }>;
}

export interface CaptureRequest {
  workspaceId: string;
  body: unknown;
  receivedAt: number;
  source: EventSource;
  limits: CaptureLimits;
  /** Size of the request body, when known: a body within the event limit holds no event over it. */
  bodyBytes?: number;
}

/** `{batch: [...], sentAt?}`, or a single event object, which is a batch of one. */
function eventsOf(body: unknown): { events: unknown[]; sentAt: string | undefined } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid_batch', 'the body must be a JSON object: {"batch": [events]} or one event');
  }
  const object = body as Record<string, unknown>;
  const sentAt = typeof object.sentAt === 'string' ? object.sentAt : undefined;
  if ('batch' in object) {
    if (!Array.isArray(object.batch))
      throw new AppError('invalid_batch', '"batch" must be an array of events');
    return { events: object.batch, sentAt };
  }
  if ('event' in object) return { events: [object], sentAt: undefined };
  throw new AppError('invalid_batch', 'the body has no "batch" array and is not an event');
}

export async function captureBatch(writer: LedgerWriter, request: CaptureRequest): Promise<CaptureAnswer> {
  const { events: raw, sentAt } = eventsOf(request.body);
  if (raw.length > request.limits.maxBatchEvents) {
    throw new AppError(
      'too_many_events',
      `the batch holds ${raw.length} events; the limit is ${request.limits.maxBatchEvents} (CAPTURE_MAX_BATCH_EVENTS)`,
      413,
      { limit: request.limits.maxBatchEvents, received: raw.length },
    );
  }
  const accepted: NewEvent[] = [];
  const quarantine: NewQuarantineItem[] = [];
  const rejected: CaptureAnswer['rejected'] = [];
  raw.forEach((item, index) => {
    const prepared = prepareCaptureEvent(item, {
      source: request.source,
      receivedAt: request.receivedAt,
      batchSentAt: sentAt,
      ...request.limits,
      withinEventLimit: request.bodyBytes !== undefined && request.bodyBytes <= request.limits.maxEventBytes,
      newEventId: randomUUID,
    });
    if (prepared.ok) {
      accepted.push(prepared.event);
      return;
    }
    rejected.push({ index, code: prepared.code, message: prepared.message });
    quarantine.push({
      source: request.source,
      receivedAt: request.receivedAt,
      raw: item,
      envelope: { sentAt, index },
      code: prepared.code,
      message: prepared.message,
    });
  });
  const outcome = await writer.append(request.workspaceId, accepted, quarantine);
  const duplicates = outcome.results.filter((result) => result.status === 'duplicate').length;
  return { accepted: outcome.results.length - duplicates, duplicates, rejected };
}
