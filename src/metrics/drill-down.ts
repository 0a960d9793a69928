/**
 * `GET /api/v1/metrics/conversations?metric=…`: the facts behind a figure, each with its contribution, in
 * the order they became known. The rows are the very rows the figure was computed from (same table, same
 * filters, same dating), so recomputing the figure from them gives the figure (docs/metrics.md
 * "Drill-down"): a duration's p50 is the p50 of the rows' values, a rate the ratio of the rows' counts.
 *
 * A figure may rest on several sources, listed one after the other: CSAT on its ratings and then the
 * surveys sent (the response rate's denominator), cost on the billable messages and then the sales won
 * (CPA), the reopen rate on reopens and ended cycles (one source, two kinds of fact).
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { DURATION_FACTS, type FactKind } from '../domain/kpi/cycle-facts.js';
import { AppError } from '../errors.js';
import type { StoreDialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import {
  canonicalSourceSql,
  contactsApply,
  newContactsQuery,
  optOutsApply,
  optOutsQuery,
  type ContactRestriction,
} from './contact-metrics.js';
import { dimensionColumn, filterConditions, type FactTable } from './fact-filters.js';
import { groupingFor, timeBuckets, type GroupKey } from './grouping.js';
import { isSurvey, messageCost } from './message-metrics.js';
import { isDimension, isTimeGrouping, type MetricsQuery } from './metrics-query.js';

export const DRILL_DOWN_METRICS = [
  'conversations',
  'cyclesOpened',
  'cyclesEnded',
  'firstResponse',
  'botFirstResponse',
  'agentResponse',
  'botResponse',
  'resolution',
  'reopenRate',
  'csat',
  'conversion',
  'sla',
  'messages',
  'contacts',
  'selfServe',
  'length',
  'cost',
  'engagement',
] as const;
export type DrillDownMetric = (typeof DRILL_DOWN_METRICS)[number];

type Source =
  | { table: 'metric_facts'; kinds: FactKind[]; outcomes?: string[] }
  | { table: 'message_facts'; only: 'all' | 'surveys' | 'billable' }
  | { table: 'contacts' }
  | { table: 'contact_opt_outs' };

const facts = (kinds: FactKind[], outcomes?: string[]): Source => ({
  table: 'metric_facts',
  kinds,
  ...(outcomes ? { outcomes } : {}),
});

/** What each figure is computed from, in the order the drill-down lists it. */
export const DRILL_DOWN_SOURCES: Record<DrillDownMetric, Source[]> = {
  conversations: [facts(['conversation'])],
  cyclesOpened: [facts(['cycle_opened'])],
  cyclesEnded: [facts(['cycle_ended'])],
  firstResponse: [facts(['first_response'])],
  botFirstResponse: [facts(['bot_first_response'])],
  agentResponse: [facts(['agent_response'])],
  botResponse: [facts(['bot_response'])],
  resolution: [facts(['resolution'])],
  reopenRate: [facts(['reopen', 'cycle_ended'])],
  csat: [facts(['rating']), { table: 'message_facts', only: 'surveys' }],
  conversion: [facts(['sale'])],
  sla: [],
  messages: [{ table: 'message_facts', only: 'all' }],
  contacts: [{ table: 'contacts' }],
  selfServe: [facts(['cycle_ended'], ['bot-only', 'assisted'])],
  length: [facts(['length'])],
  cost: [{ table: 'message_facts', only: 'billable' }, facts(['sale'], ['won'])],
  engagement: [{ table: 'message_facts', only: 'all' }, { table: 'contact_opt_outs' }],
};

export interface FactItem {
  kind: 'fact';
  /** The fact kind: `first_response`, `reopen`, `rating`, `sale`... (docs/metrics.md "Facts"). */
  fact: string;
  conversationId: string;
  cycleIndex: number;
  /** 0, or the customer turn's index for reply times. */
  seq: number;
  at: string;
  /** What it adds to the figure: seconds (business seconds with `businessHours=true`), a score, revenue, 1. */
  value: number;
  outcome: string | null;
  agent: string | null;
  team: string | null;
}

export interface MessageItem {
  kind: 'message';
  messageId: string;
  contactId: string | null;
  conversationId: string | null;
  cycleIndex: number | null;
  at: string;
  direction: string;
  author: string;
  delivered: boolean;
  read: boolean;
  failed: boolean;
  survey: boolean;
  /** Carried a tracked link; `clicked`: the link was clicked. */
  link: boolean;
  clicked: boolean;
  billable: boolean;
  category: string | null;
  country: string | null;
  /** The rate card's price of this message; null when it is not billable or has no price. */
  cost: number | null;
}

export interface ContactItem {
  kind: 'contact';
  contactId: string;
  at: string;
  country: string | null;
  source: string | null;
}

/** A contact who opted out (and did not opt back in), dated by the opt-out. */
export interface OptOutItem {
  kind: 'optOut';
  contactId: string;
  at: string;
  country: string | null;
}

export type DrillDownItem = FactItem | MessageItem | ContactItem | OptOutItem;

/** Where the previous page stopped: the source, then that source's sort key of the last item. */
export type DrillDownCursor = [source: number, ...key: (string | number)[]];

export interface DrillDownRequest {
  metric: DrillDownMetric;
  query: MetricsQuery;
  /** Only the figures of one row of the grouped answer (`query.groupBy`): its key, `null` for "none". */
  key?: GroupKey;
  limit: number;
  after: DrillDownCursor | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Conditions restricting a fact table to one grouped row, or null when it must be checked row by row. */
function groupConditions(
  table: FactTable,
  query: MetricsQuery,
  key: GroupKey,
  dialect: StoreDialect,
): { conditions: Expression<SqlBool>[]; range: { from: number; to: number } | null } {
  const groupBy = query.groupBy;
  if (isDimension(groupBy)) {
    if (groupBy === 'tag') {
      return {
        conditions: [
          key === null
            ? sql<SqlBool>`${sql.ref(`${table}.tags`)} = ''`
            : sql<SqlBool>`${sql.raw(dialect.positionFunction)}(${sql.ref(`${table}.tags`)}, ${`|${key}|`}) > 0`,
        ],
        range: null,
      };
    }
    const column = dimensionColumn(table, groupBy);
    return {
      conditions: [key === null ? sql<SqlBool>`${column} is null` : sql<SqlBool>`${column} = ${key}`],
      range: null,
    };
  }
  if (isTimeGrouping(groupBy) && groupBy !== 'weekday-hour') {
    const bucket = timeBuckets(query, groupBy).find((candidate) => candidate.key === key);
    if (bucket === undefined) {
      throw new AppError(
        'invalid_request',
        `query key: no ${groupBy} ${JSON.stringify(key)} in the period`,
        400,
        {
          parameter: 'key',
        },
      );
    }
    return {
      conditions: [],
      range: { from: Math.max(bucket.start, query.from), to: Math.min(bucket.end, query.to) },
    };
  }
  return { conditions: [], range: null };
}

/** One page of the facts behind `request.metric`. */
export async function drillDown(
  db: Kysely<Database>,
  dialect: StoreDialect,
  request: DrillDownRequest,
): Promise<{ items: DrillDownItem[]; next: DrillDownCursor | null }> {
  const { query } = request;
  const sources = DRILL_DOWN_SOURCES[request.metric];
  const grouping = groupingFor(query);
  // weekday-hour cells are not one span of time: their rows are checked one by one.
  const inGroup = (at: number) =>
    request.key === undefined ||
    query.groupBy !== 'weekday-hour' ||
    grouping.keysOf(at, null).includes(request.key);
  const items: DrillDownItem[] = [];
  let after = request.after;
  for (let index = after?.[0] ?? 0; index < sources.length; index += 1) {
    const source = sources[index] as Source;
    const resume = after !== null && after[0] === index ? after.slice(1) : null;
    after = null;
    const page = await scanSource(
      db,
      dialect,
      source,
      request,
      resume,
      inGroup,
      request.limit - items.length,
    );
    items.push(...page.items);
    if (page.last !== null) return { items, next: [index, ...page.last] };
  }
  return { items, next: null };
}

/**
 * Up to `wanted` items of one source after `resume`; `last` is the key to resume from when the page is full
 * (null when the source is exhausted).
 */
async function scanSource(
  db: Kysely<Database>,
  dialect: StoreDialect,
  source: Source,
  request: DrillDownRequest,
  resume: (string | number)[] | null,
  inGroup: (at: number) => boolean,
  wanted: number,
): Promise<{ items: DrillDownItem[]; last: (string | number)[] | null }> {
  const { query } = request;
  const items: DrillDownItem[] = [];
  let key = resume;
  if (source.table === 'contact_opt_outs' || source.table === 'contacts') {
    const optOuts = source.table === 'contact_opt_outs';
    if (!(optOuts ? optOutsApply(query) : contactsApply(query))) return { items, last: null };
    const restriction: ContactRestriction = { from: query.from, to: query.to };
    if (request.key !== undefined) {
      if (query.groupBy === 'country') restriction.country = request.key;
      else if (query.groupBy === 'source') restriction.source = request.key;
      else if (isTimeGrouping(query.groupBy) && query.groupBy !== 'weekday-hour') {
        const bucket = timeBuckets(query, query.groupBy).find((candidate) => candidate.key === request.key);
        if (bucket === undefined) return { items, last: null };
        restriction.from = Math.max(bucket.start, query.from);
        restriction.to = Math.min(bucket.end, query.to);
      }
    }
    for (;;) {
      const rows = optOuts
        ? await optOutsQuery(db, query, restriction)
            .select(['contact_id', 'at', 'country', sql<string | null>`null`.as('source')])
            .$if(key !== null, (select) =>
              select.where((eb) =>
                eb(eb.refTuple('at', 'contact_id'), '>', eb.tuple(Number(key?.[0]), String(key?.[1]))),
              ),
            )
            .orderBy('at')
            .orderBy('contact_id')
            .limit(Math.max(wanted, 200))
            .execute()
        : await newContactsQuery(db, query, restriction)
            .select(['contact_id', 'first_seen_at as at', 'country', canonicalSourceSql.as('source')])
            .$if(key !== null, (select) =>
              select.where((eb) =>
                eb(
                  eb.refTuple('first_seen_at', 'contact_id'),
                  '>',
                  eb.tuple(Number(key?.[0]), String(key?.[1])),
                ),
              ),
            )
            .orderBy('first_seen_at')
            .orderBy('contact_id')
            .limit(Math.max(wanted, 200))
            .execute();
      for (const row of rows) {
        key = [row.at, row.contact_id];
        if (!inGroup(row.at)) continue;
        items.push(
          optOuts
            ? { kind: 'optOut', contactId: row.contact_id, at: iso(row.at), country: row.country }
            : {
                kind: 'contact',
                contactId: row.contact_id,
                at: iso(row.at),
                country: row.country,
                source: row.source,
              },
        );
        if (items.length === wanted) return { items, last: key };
      }
      if (rows.length < Math.max(wanted, 200)) return { items, last: null };
    }
  }
  const restriction =
    request.key === undefined
      ? { conditions: [], range: null }
      : groupConditions(source.table, query, request.key, dialect);
  const from = restriction.range?.from ?? query.from;
  const to = restriction.range?.to ?? query.to;
  const conditions = [...filterConditions(source.table, query.filters, dialect), ...restriction.conditions];
  const chunkSize = Math.max(wanted, 200);
  for (;;) {
    if (source.table === 'metric_facts') {
      let select = db
        .selectFrom('metric_facts')
        .selectAll()
        .where('workspace_id', '=', query.workspaceId)
        .where('metric', 'in', source.kinds)
        .where('at', '>=', from)
        .where('at', '<', to)
        .where((eb) => eb.and(conditions));
      if (source.outcomes) select = select.where('outcome', 'in', source.outcomes);
      if (query.businessHours && source.kinds.some((kind) => DURATION_FACTS.includes(kind)))
        select = select.where('business_value', 'is not', null);
      if (key !== null) {
        const [at, conversationId, cycleIndex, metric, seq] = key;
        select = select.where((eb) =>
          eb(
            eb.refTuple('at', 'conversation_id', 'cycle_index', 'metric', 'seq'),
            '>',
            eb.tuple(Number(at), String(conversationId), Number(cycleIndex), String(metric), Number(seq)),
          ),
        );
      }
      const rows = await select
        .orderBy('at')
        .orderBy('conversation_id')
        .orderBy('cycle_index')
        .orderBy('metric')
        .orderBy('seq')
        .limit(chunkSize)
        .execute();
      for (const row of rows) {
        key = [row.at, row.conversation_id, row.cycle_index, row.metric, row.seq];
        if (!inGroup(row.at)) continue;
        const duration = DURATION_FACTS.includes(row.metric as FactKind);
        items.push({
          kind: 'fact',
          fact: row.metric,
          conversationId: row.conversation_id,
          cycleIndex: row.cycle_index,
          seq: row.seq,
          at: iso(row.at),
          value: duration && query.businessHours ? (row.business_value as number) : row.value,
          outcome: row.outcome,
          agent: row.agent_id,
          team: row.team_id,
        });
        if (items.length === wanted) return { items, last: key };
      }
      if (rows.length < chunkSize) return { items, last: null };
    } else {
      let select = db
        .selectFrom('message_facts')
        .selectAll()
        .where('workspace_id', '=', query.workspaceId)
        .where('at', '>=', from)
        .where('at', '<', to)
        .where((eb) => eb.and(conditions));
      if (source.only !== 'all') select = select.where('direction', '=', 'outbound');
      if (source.only === 'billable') select = select.where('billable', '=', 1);
      if (key !== null) {
        const [at, messageId] = key;
        select = select.where((eb) =>
          eb(eb.refTuple('at', 'message_id'), '>', eb.tuple(Number(at), String(messageId))),
        );
      }
      const rows = await select.orderBy('at').orderBy('message_id').limit(chunkSize).execute();
      for (const row of rows) {
        key = [row.at, row.message_id];
        if (!inGroup(row.at)) continue;
        if (source.only === 'surveys' && !isSurvey(row, query.settings)) continue;
        items.push({
          kind: 'message',
          messageId: row.message_id,
          contactId: row.contact_id,
          conversationId: row.conversation_id,
          cycleIndex: row.cycle_index,
          at: iso(row.at),
          direction: row.direction,
          author: row.author,
          delivered: row.delivered === 1,
          read: row.read === 1,
          failed: row.failed === 1,
          survey: isSurvey(row, query.settings),
          link: row.link === 1,
          clicked: row.clicked === 1,
          billable: row.billable === 1,
          category: row.pricing_category,
          country: row.country,
          cost: messageCost(row, query.settings),
        });
        if (items.length === wanted) return { items, last: key };
      }
      if (rows.length < chunkSize) return { items, last: null };
    }
  }
}
