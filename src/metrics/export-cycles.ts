/**
 * The per-cycle export (`GET /api/v1/export/conversations.csv`, `chatledger export`): one CSV row per cycle
 * with every per-cycle figure, streamed. Cycles are read in primary-key order a page at a time (keyset
 * pagination, never OFFSET) and each page is written before the next is read, so memory stays flat
 * whatever the number of cycles. The figures are the ones the metrics count (src/domain/kpi/cycle-facts.ts),
 * so a sum over the export agrees with the API.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { businessDuration, type BusinessCalendar } from '../domain/calendar/index.js';
import type { Cycle } from '../domain/conversation/index.js';
import { decodeTags, ratingScore } from '../domain/kpi/cycle-facts.js';
import type { StoreDialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import type { Dimension } from './metrics-query.js';

export const EXPORT_COLUMNS = [
  'conversation_id',
  'cycle_index',
  'chat_id',
  'contact_id',
  'country',
  'channel',
  'started_at',
  'ended_at',
  'end_status',
  'resolution_type',
  'opened_by',
  'is_reopen',
  'reopened',
  'reopened_at',
  'owner',
  'team',
  'priority',
  'type',
  'source',
  'campaign',
  'tags',
  'service',
  'began_with',
  'handoff_at',
  'handoffs',
  'first_response_s',
  'first_response_business_s',
  'first_responder',
  'bot_first_response_s',
  'agent_replies',
  'agent_response_avg_s',
  'bot_replies',
  'bot_response_avg_s',
  'resolution_s',
  'resolution_business_s',
  'inbound',
  'outbound',
  'length',
  'csat_rating',
  'csat_scale',
  'csat_score',
  'csat_at',
  'csat_owner',
  'deal_stage',
  'deal_value',
  'deal_currency',
  'deal_outcome',
  'time_in_status_s',
  'time_in_team_s',
] as const;

export interface ExportRequest {
  workspaceId: string;
  /** Cycles started in `[from, to)`; all when absent. */
  from?: number;
  to?: number;
  filters: Partial<Record<Dimension, string>>;
  calendar: BusinessCalendar | null;
  /** Cycles per page (and per database round trip). */
  pageSize?: number;
}

type Cell = string | number | boolean | null | undefined;

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvField).join(',')}\r\n`;

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;

interface ExportRow {
  conversation_id: string;
  cycle_index: number;
  chat_id: string | null;
  contact_id: string | null;
  channel: string;
  country: string | null;
  cycle_owner_id: string | null;
  cycle_team_id: string | null;
  priority: string | null;
  conversation_type: string | null;
  source: string | null;
  campaign: string | null;
  tags: string | null;
  facts: string;
}

/** One CSV row of a cycle. */
export function exportCells(row: ExportRow, calendar: BusinessCalendar | null): Cell[] {
  const cycle = JSON.parse(row.facts) as Cycle;
  const end = cycle.end;
  const business = (from: number, to: number) =>
    calendar === null ? null : businessDuration(calendar, from, to) / 1000;
  const agentTurns = cycle.turns.filter((turn) => turn.repliedBy === 'agent' && turn.seconds !== null);
  const botTurns = cycle.turns.filter((turn) => turn.repliedBy === 'bot' && turn.seconds !== null);
  const first = cycle.firstHumanReply;
  const bot = cycle.beganWith === 'bot' ? cycle.firstBotReply : null;
  const csat = cycle.csat;
  return [
    row.conversation_id,
    row.cycle_index,
    row.chat_id,
    row.contact_id,
    row.country,
    row.channel,
    iso(cycle.startedAt),
    iso(end?.at),
    end?.status,
    end?.resolutionType,
    cycle.openedBy,
    cycle.isReopen,
    cycle.reopened,
    iso(cycle.reopenedAt),
    row.cycle_owner_id,
    row.cycle_team_id,
    row.priority,
    row.conversation_type,
    row.source,
    row.campaign,
    decodeTags(row.tags).join(';'),
    cycle.service,
    cycle.beganWith,
    iso(cycle.handoffAt),
    cycle.handoffCount,
    first?.seconds,
    first ? business(first.from, first.at) : null,
    first?.by,
    bot?.seconds,
    agentTurns.length,
    mean(agentTurns.map((turn) => turn.seconds as number)),
    botTurns.length,
    mean(botTurns.map((turn) => turn.seconds as number)),
    end ? (end.at - cycle.startedAt) / 1000 : null,
    end ? business(cycle.startedAt, end.at) : null,
    cycle.inboundCount,
    cycle.outboundCount,
    cycle.inboundCount + cycle.outboundCount,
    csat?.rating,
    csat?.scale,
    csat ? ratingScore(csat.rating, csat.scale) : null,
    iso(csat?.at),
    csat?.owner?.id,
    cycle.deal?.stage,
    cycle.deal?.value,
    cycle.deal?.currency,
    cycle.deal?.outcome,
    JSON.stringify(cycle.timeInStatus),
    JSON.stringify(Object.fromEntries(cycle.timeInTeam.map((entry) => [entry.team ?? '', entry.seconds]))),
  ];
}

const FILTER_COLUMNS: Record<Exclude<Dimension, 'tag'>, string> = {
  agent: 'cycles.cycle_owner_id',
  team: 'cycles.cycle_team_id',
  channel: 'cycles.channel',
  source: 'cycles.source',
  type: 'cycles.conversation_type',
  priority: 'cycles.priority',
  country: 'cycles.country',
  campaign: 'cycles.campaign',
};

/** The CSV, header first, as it is produced: a page of cycles at a time. */
export async function* exportCyclesCsv(
  db: Kysely<Database>,
  dialect: StoreDialect,
  request: ExportRequest,
): AsyncGenerator<string> {
  yield csvLine(EXPORT_COLUMNS);
  const conditions: Expression<SqlBool>[] = [];
  for (const [dimension, value] of Object.entries(request.filters) as [Dimension, string | undefined][]) {
    if (value === undefined) continue;
    conditions.push(
      dimension === 'tag'
        ? sql<SqlBool>`${sql.raw(dialect.positionFunction)}(${sql.ref('cycles.tags')}, ${`|${value}|`}) > 0`
        : sql<SqlBool>`${sql.ref(FILTER_COLUMNS[dimension])} = ${value}`,
    );
  }
  const pageSize = request.pageSize ?? 1000;
  // A period is read in start order through (workspace_id, started_at); everything in key order, which is
  // the table's own order (no index lookups).
  const byStart = request.from !== undefined || request.to !== undefined;
  let after: [number, string, number] | null = null;
  for (;;) {
    let page = db
      .selectFrom('cycles')
      .innerJoin('conversations', (join) =>
        join
          .onRef('conversations.workspace_id', '=', 'cycles.workspace_id')
          .onRef('conversations.conversation_id', '=', 'cycles.conversation_id'),
      )
      .select([
        'cycles.conversation_id',
        'cycles.cycle_index',
        'conversations.chat_id',
        'cycles.contact_id',
        'cycles.channel',
        'cycles.country',
        'cycles.cycle_owner_id',
        'cycles.cycle_team_id',
        'cycles.priority',
        'cycles.conversation_type',
        'cycles.source',
        'cycles.campaign',
        'cycles.tags',
        'cycles.facts',
      ])
      .select('cycles.started_at')
      .where('cycles.workspace_id', '=', request.workspaceId)
      .where((eb) => eb.and(conditions))
      .$if(byStart, (select) => select.orderBy('cycles.started_at'))
      .orderBy('cycles.conversation_id')
      .orderBy('cycles.cycle_index')
      .limit(pageSize);
    if (request.from !== undefined) page = page.where('cycles.started_at', '>=', request.from);
    if (request.to !== undefined) page = page.where('cycles.started_at', '<', request.to);
    if (after !== null) {
      const [startedAt, conversationId, cycleIndex] = after;
      page = page.where((eb) =>
        byStart
          ? eb(
              eb.refTuple('cycles.started_at', 'cycles.conversation_id', 'cycles.cycle_index'),
              '>',
              eb.tuple(startedAt, conversationId, cycleIndex),
            )
          : eb(
              eb.refTuple('cycles.conversation_id', 'cycles.cycle_index'),
              '>',
              eb.tuple(conversationId, cycleIndex),
            ),
      );
    }
    const rows = await page.execute();
    if (rows.length === 0) return;
    yield rows.map((row) => csvLine(exportCells(row, request.calendar))).join('');
    const last = rows[rows.length - 1] as ExportRow & { started_at: number };
    after = [last.started_at, last.conversation_id, last.cycle_index];
    if (rows.length < pageSize) return;
  }
}
