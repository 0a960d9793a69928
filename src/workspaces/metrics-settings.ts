/**
 * The workspace settings the metrics read (workspace settings JSON, see src/workspaces/settings.ts):
 * - `timeZone`: the default time zone of day/week/month buckets (UTC when unset);
 * - `businessHours`: the business-hours calendar durations are measured in with `businessHours=true`;
 * - `rateCard`: prices per WhatsApp pricing category (and country) for the `cost` figures;
 * - `csatSurveyTemplates`: template ids whose messages are CSAT surveys (the response rate's denominator).
 */
import type { Kysely, Transaction } from 'kysely';
import { parseBusinessCalendar, type BusinessCalendar } from '../domain/calendar/index.js';
import type { Database } from '../store/schema.js';
import { parseWorkspaceSettings, type RateCard, type WorkspaceSettings } from './settings.js';

export interface MetricsSettings {
  timeZone: string;
  /** Null when the workspace has no business-hours calendar. */
  calendar: BusinessCalendar | null;
  rateCard: RateCard | null;
  csatSurveyTemplates: readonly string[];
}

export function metricsSettingsOf(settings: WorkspaceSettings): MetricsSettings {
  const parsed = settings.businessHours ? parseBusinessCalendar(settings.businessHours) : null;
  return {
    timeZone: typeof settings.timeZone === 'string' ? settings.timeZone : 'UTC',
    calendar: parsed?.ok ? parsed.value : null,
    rateCard: settings.rateCard ?? null,
    csatSurveyTemplates: settings.csatSurveyTemplates ?? [],
  };
}

export async function loadMetricsSettings(
  db: Kysely<Database> | Transaction<Database>,
  workspaceId: string,
): Promise<MetricsSettings> {
  const row = await db
    .selectFrom('workspaces')
    .select('settings')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return metricsSettingsOf(parseWorkspaceSettings(row?.settings ?? '{}'));
}
