/**
 * The conversation commands: each request becomes a `ConversationCommand`, checked by the pure
 * `decide` against the current state inside the append's transaction (so nothing can slip in between
 * the check and the write), and appended with the actor's identity.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  decide,
  type ConversationCommand,
  type ConversationState,
  type DomainError,
} from '../../../domain/conversation/index.js';
import type { NewEvent } from '../../../domain/events.js';
import { AppError } from '../../../errors.js';
import type { LedgerWriter } from '../../../ledger/writer.js';
import type { Store } from '../../../store/open.js';
import { actorOfRequest, type KeyResolver } from '../../auth.js';
import { parseOrThrow } from '../quarantine.js';
import { getConversation } from './get-conversation.js';

const CONFLICT_CODES = new Set(['version_conflict', 'conversation_superseded', 'already_resolved']);

/** Domain refusals as HTTP: unknown conversation 404, a clash with what someone else did 409, else 422. */
function refusal(error: DomainError): AppError {
  const status = error.code === 'not_found' ? 404 : CONFLICT_CODES.has(error.code) ? 409 : 422;
  return new AppError(error.code, error.message, status, error.details);
}

const time = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value));
const base = { expectedVersion: z.number().int().nonnegative().optional() };

/** Each route: its path, method, body schema, and how a valid body becomes a command. */
const COMMANDS = [
  {
    method: 'POST',
    path: 'assign',
    body: z.object({
      ...base,
      agentId: z.string().min(1).nullable().optional(),
      teamId: z.string().min(1).nullable().optional(),
      reason: z.string().max(500).optional(),
    }),
    command: (b: {
      agentId?: string | null;
      teamId?: string | null;
      reason?: string;
    }): ConversationCommand => ({ type: 'assign', ...b }),
  },
  {
    method: 'POST',
    path: 'status',
    body: z.object({
      ...base,
      status: z.string().min(1),
      snoozedUntil: time.optional(),
      resolutionType: z.string().max(128).optional(),
    }),
    command: (b: {
      status: string;
      snoozedUntil?: number;
      resolutionType?: string;
    }): ConversationCommand => ({ type: 'change-status', ...b }),
  },
  {
    method: 'POST',
    path: 'tags',
    body: z.object({ ...base, tag: z.string() }),
    command: (b: { tag: string }): ConversationCommand => ({ type: 'add-tag', tag: b.tag }),
  },
  {
    method: 'POST',
    path: 'priority',
    body: z.object({ ...base, priority: z.string() }),
    command: (b: { priority: string }): ConversationCommand => ({
      type: 'set-priority',
      priority: b.priority,
    }),
  },
  {
    method: 'POST',
    path: 'type',
    body: z.object({ ...base, type: z.string() }),
    command: (b: { type: string }): ConversationCommand => ({ type: 'set-type', conversationType: b.type }),
  },
  {
    method: 'POST',
    path: 'notes',
    body: z.object({ ...base, text: z.string() }),
    command: (b: { text: string }): ConversationCommand => ({ type: 'add-note', text: b.text }),
  },
  {
    method: 'POST',
    path: 'watchers',
    body: z.object({ ...base, watcherId: z.string() }),
    command: (b: { watcherId: string }): ConversationCommand => ({
      type: 'add-watcher',
      watcherId: b.watcherId,
    }),
  },
  {
    method: 'POST',
    path: 'deal',
    body: z.object({
      ...base,
      stage: z.string().optional(),
      value: z.number().optional(),
      currency: z.string().optional(),
    }),
    command: (b: { stage?: string; value?: number; currency?: string }): ConversationCommand => ({
      type: 'update-deal',
      ...b,
    }),
  },
  {
    method: 'PUT',
    path: 'next-action',
    body: z.object({ ...base, text: z.string(), dueAt: time.nullable().default(null) }),
    command: (b: { text: string; dueAt: number | null }): ConversationCommand => ({
      type: 'set-next-action',
      text: b.text,
      dueAt: b.dueAt,
    }),
  },
  {
    method: 'DELETE',
    path: 'next-action',
    body: z.object(base),
    command: (): ConversationCommand => ({ type: 'clear-next-action' }),
  },
] as const;

type Deps = { store: Store; writer: LedgerWriter; keys: KeyResolver };

export async function runCommand(
  deps: Pick<Deps, 'store' | 'writer'>,
  request: FastifyRequest,
  conversationId: string,
  command: ConversationCommand,
  expectedVersion: number | undefined,
) {
  const workspaceId = request.workspace.id;
  const now = Date.now();
  const header = request.headers['idempotency-key'];
  const commandId = typeof header === 'string' && header !== '' ? header : undefined;
  const outcome = await deps.writer.appendDecided(workspaceId, async (trx) => {
    const row = await trx
      .selectFrom('conversations')
      .select('state')
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    const state = row ? (JSON.parse(row.state) as ConversationState) : null;
    const decision = decide(command, state, {
      now,
      actor: actorOfRequest(request),
      ...(commandId ? { commandId } : {}),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
    if (!decision.ok) throw refusal(decision.error);
    return decision.events.map((draft): NewEvent => ({
      ...draft,
      eventId: randomUUID() as NewEvent['eventId'],
      receivedAt: now,
      source: 'ui',
    }));
  });
  // The same command id again is a retry and answers the current state; without one, a duplicate key
  // means another command was decided on the same version first.
  if (!commandId && outcome.results.some((result) => result.status === 'duplicate')) {
    throw new AppError(
      'version_conflict',
      'The conversation changed since you loaded it; reload and try again.',
      409,
    );
  }
  return getConversation(deps.store, workspaceId, conversationId, now);
}

export function conversationCommandRoutes(app: FastifyInstance, deps: Deps) {
  const preHandler = deps.keys.require('secret');
  for (const spec of COMMANDS) {
    app.route<{ Params: { id: string } }>({
      method: spec.method,
      url: `/api/v1/conversations/:id/${spec.path}`,
      preHandler,
      handler: async (request) => {
        const body = parseOrThrow(
          spec.body as z.ZodType<Record<string, unknown>>,
          request.body ?? {},
          'body',
        );
        const command = (spec.command as (value: Record<string, unknown>) => ConversationCommand)(body);
        return runCommand(
          deps,
          request,
          request.params.id,
          command,
          body.expectedVersion as number | undefined,
        );
      },
    });
  }
  const removal = (path: string, command: (value: string) => ConversationCommand) =>
    app.delete<{ Params: { id: string; value: string }; Querystring: { expectedVersion?: string } }>(
      `/api/v1/conversations/:id/${path}/:value`,
      { preHandler },
      async (request) => {
        const raw = request.query.expectedVersion;
        const expectedVersion = raw === undefined ? undefined : Number(raw);
        if (expectedVersion !== undefined && !Number.isInteger(expectedVersion)) {
          throw new AppError('invalid_request', 'query expectedVersion: must be an integer', 400, {
            parameter: 'expectedVersion',
          });
        }
        return runCommand(deps, request, request.params.id, command(request.params.value), expectedVersion);
      },
    );
  removal('tags', (tag) => ({ type: 'remove-tag', tag }));
  removal('watchers', (watcherId) => ({ type: 'remove-watcher', watcherId }));
}
