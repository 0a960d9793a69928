import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { JsonObject, NewEvent } from '../../domain/events.js';
import { isValidTimeZone } from '../../domain/calendar/time-zone.js';
import { parseBusinessCalendar, type BusinessCalendarSpec } from '../../domain/calendar/index.js';
import { AppError } from '../../errors.js';
import { remeasureBusinessTime } from '../../projections/metric-facts.js';
import { loadMetricsSettings } from '../../workspaces/metrics-settings.js';
import type { LedgerWriter } from '../../ledger/writer.js';
import type { Store } from '../../store/open.js';
import { parseWorkspaceSettings, type WorkspaceSettings } from '../../workspaces/settings.js';
import { actorOfRequest, type KeyResolver } from '../auth.js';
import { parseOrThrow } from './quarantine.js';

const settingsPatch = z.strictObject({
  reopenWindowHours: z
    .number()
    .positive()
    .max(24 * 365)
    .optional(),
  autoResolveAfterMinutes: z.number().int().positive().nullable().optional(),
  timeZone: z.string().refine(isValidTimeZone, 'not an IANA time zone name').optional(),
  // Checked by parseBusinessCalendar below, which names the wrong field.
  businessHours: z.looseObject({}).nullable().optional(),
  rateCard: z
    .strictObject({
      currency: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as "USD"'),
      rates: z
        .array(
          z.strictObject({
            category: z.string().trim().min(1).max(64),
            country: z
              .string()
              .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 country code such as "MX"')
              .optional(),
            price: z.number().nonnegative(),
          }),
        )
        .max(2000),
    })
    .nullable()
    .optional(),
  csatSurveyTemplates: z.array(z.string().min(1).max(512)).max(200).optional(),
});

/** The business-hours calendar of a settings patch, validated; a 400 naming the field otherwise. */
function businessHoursOf(spec: unknown): BusinessCalendarSpec | null {
  if (spec === null) return null;
  const parsed = parseBusinessCalendar(spec);
  if (parsed.ok) return parsed.value.spec;
  const issue = parsed.errors[0];
  const parameter = issue?.path ? `businessHours.${issue.path}` : 'businessHours';
  throw new AppError('invalid_request', `body ${parameter}: ${issue?.message ?? 'invalid'}`, 400, {
    parameter,
    code: issue?.code,
  });
}

/**
 * `GET /api/v1/workspace` and `PATCH /api/v1/workspace/settings`. A change is also appended to the
 * ledger as `workspace.settings_changed`, so the history of settings is auditable like everything else.
 * New settings apply to events from now on; `chatledger rebuild` re-applies them to the history.
 */
export function workspaceRoutes(
  app: FastifyInstance,
  deps: { store: Store; writer: LedgerWriter; keys: KeyResolver },
) {
  const preHandler = deps.keys.require('secret');
  const load = (id: string) =>
    deps.store.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  app.get('/api/v1/workspace', { preHandler }, async (request) => {
    const row = await load(request.workspace.id);
    return {
      id: row.id,
      name: row.name,
      createdAt: new Date(row.created_at).toISOString(),
      settings: parseWorkspaceSettings(row.settings),
    };
  });

  app.patch('/api/v1/workspace/settings', { preHandler }, async (request) => {
    const { businessHours, ...rest } = parseOrThrow(settingsPatch, request.body ?? {}, 'body');
    const patch: WorkspaceSettings =
      businessHours === undefined ? rest : { ...rest, businessHours: businessHoursOf(businessHours) };
    const now = Date.now();
    let after = {};
    // The settings row and the audit event change together, in one transaction.
    await deps.writer.appendDecided(request.workspace.id, async (trx) => {
      const row = await trx
        .selectFrom('workspaces')
        .select('settings')
        .where('id', '=', request.workspace.id)
        .executeTakeFirstOrThrow();
      const before = parseWorkspaceSettings(row.settings);
      after = { ...before, ...patch };
      await trx
        .updateTable('workspaces')
        .set({ settings: JSON.stringify(after) })
        .where('id', '=', request.workspace.id)
        .execute();
      // Business-hours figures are stored measured; a new calendar re-measures them, in this transaction.
      const calendarChanged =
        patch.businessHours !== undefined &&
        JSON.stringify(before.businessHours ?? null) !== JSON.stringify(patch.businessHours);
      if (calendarChanged) {
        const { calendar } = await loadMetricsSettings(trx, request.workspace.id);
        await remeasureBusinessTime(trx, request.workspace.id, calendar);
      }
      const event: NewEvent = {
        eventId: randomUUID() as NewEvent['eventId'],
        idempotencyKey: `settings:${randomUUID()}`,
        type: 'workspace.settings_changed',
        eventTime: now,
        receivedAt: now,
        source: 'ui',
        channel: 'api',
        actor: actorOfRequest(request),
        subjects: { contactId: null, conversationId: null, messageId: null },
        payload: { properties: { before: before as JsonObject, after: after as JsonObject }, context: {} },
      };
      return [event];
    });
    return { settings: after };
  });
}
