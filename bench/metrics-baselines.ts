/**
 * The metrics benchmark's baselines: the same overview (summary, by day, by agent over the window) computed
 * from the raw ledger, the way a team without read models would — one pass of SQL over `events` with the
 * JSON properties extracted, per chat and per message, then grouped and summarised in JavaScript with the
 * same percentile function.
 *
 * It can only compute the figures raw SQL can reasonably express, and with the naive definitions such SQL
 * uses (a chat is one conversation: no cycles, reopens or handoffs; the first agent message of a chat is
 * its first response; the first resolution is its end): new conversations, first response, resolution,
 * the message funnel and CSAT ratings. Its figures are reported beside the read model's, so the difference
 * in meaning shows as well as the difference in time.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { zoneRules } from '../src/domain/calendar/index.js';
import { summarizeDurations } from '../src/domain/kpi/percentile.js';
import type { Store } from '../src/store/open.js';
import type { Backend } from './metrics-data.js';

const DAY_MS = 86_400_000;

interface ChatRow {
  chat: string;
  first_in: number | null;
  first_reply: string | null;
  resolved: number | null;
}
interface MessageRow {
  sent_at: number | null;
  received_at: number | null;
  delivered: number;
  read: number;
  failed: number;
}

/** Per chat and per message aggregates from `events`, in one statement each. */
async function rawAggregates(store: Store, backend: Backend, workspaceId: string, to: number) {
  const property = (name: string) =>
    backend === 'sqlite'
      ? sql.raw(`json_extract(payload, '$.properties.${name}')`)
      : sql.raw(`(payload::jsonb -> 'properties' ->> '${name}')`);
  // The agent of the first reply rides along as `<15-digit time>|<agent>`, so MIN gives both.
  const firstReply =
    backend === 'sqlite'
      ? sql.raw(`printf('%015d|%s', event_time, actor_id)`)
      : sql.raw(`lpad(event_time::text, 15, '0') || '|' || actor_id`);
  const chats = await sql<ChatRow>`
    SELECT chat,
           MIN(CASE WHEN type = 'message.received' THEN event_time END) AS first_in,
           MIN(CASE WHEN type = 'message.sent' AND actor_type = 'agent' AND status IS NULL THEN ${firstReply} END) AS first_reply,
           MIN(CASE WHEN type = 'chat.resolved' THEN event_time END) AS resolved
    FROM (SELECT type, event_time, actor_type, actor_id, ${property('chatId')} AS chat, ${property('status')} AS status
          FROM events
          WHERE workspace_id = ${workspaceId} AND event_time < ${to}
            AND type IN ('message.received', 'message.sent', 'chat.resolved')) AS e
    WHERE chat IS NOT NULL
    GROUP BY chat`.execute(store.db);
  const flag = (condition: string) =>
    backend === 'sqlite'
      ? sql.raw(`MAX(${condition})`)
      : sql.raw(`MAX(CASE WHEN ${condition} THEN 1 ELSE 0 END)`);
  const messages = await sql<MessageRow>`
    SELECT MIN(CASE WHEN type = 'message.sent' AND status IS NULL THEN event_time END) AS sent_at,
           MIN(CASE WHEN type = 'message.received' THEN event_time END) AS received_at,
           ${flag(`type IN ('message.delivered', 'message.read', 'message.played')`)} AS delivered,
           ${flag(`type IN ('message.read', 'message.played')`)} AS read,
           ${flag(`type = 'message.failed'`)} AS failed
    FROM (SELECT type, event_time, message_id, ${property('status')} AS status FROM events
          WHERE workspace_id = ${workspaceId} AND message_id IS NOT NULL AND event_time < ${to + 7 * DAY_MS}) AS m
    GROUP BY message_id`.execute(store.db);
  const ratings = await sql<{ at: number; rating: string; scale: string | null }>`
    SELECT event_time AS at, ${property('rating')} AS rating, ${property('scale')} AS scale
    FROM events WHERE workspace_id = ${workspaceId} AND type = 'csat.submitted' AND event_time < ${to}`.execute(
    store.db,
  );
  return { chats: chats.rows, messages: messages.rows, ratings: ratings.rows };
}

interface Figures {
  conversations: number;
  firstResponse: number[];
  resolution: number[];
  sent: number;
  received: number;
  delivered: number;
  read: number;
  failed: number;
  ratings: number;
  positive: number;
}
const empty = (): Figures => ({
  conversations: 0,
  firstResponse: [],
  resolution: [],
  sent: 0,
  received: 0,
  delivered: 0,
  read: 0,
  failed: 0,
  ratings: 0,
  positive: 0,
});

/** The overview from the raw aggregates: summary, by day (in `timeZone`), by agent. */
function overviewFrom(
  raw: Awaited<ReturnType<typeof rawAggregates>>,
  from: number,
  to: number,
  timeZone: string,
) {
  const rules = zoneRules(timeZone);
  const dayOf = (t: number) => new Date(rules.localMs(t)).toISOString().slice(0, 10);
  const total = empty();
  const byDay = new Map<string, Figures>();
  const byAgent = new Map<string, Figures>();
  const at = (map: Map<string, Figures>, key: string) => {
    let figures = map.get(key);
    if (figures === undefined) map.set(key, (figures = empty()));
    return figures;
  };
  const inRange = (t: number | null): t is number => t !== null && t >= from && t < to;
  for (const chat of raw.chats) {
    const firstIn = chat.first_in === null ? null : Number(chat.first_in);
    if (inRange(firstIn)) {
      total.conversations += 1;
      at(byDay, dayOf(firstIn)).conversations += 1;
    }
    if (chat.first_reply !== null && firstIn !== null) {
      const separator = chat.first_reply.indexOf('|');
      const replyAt = Number(chat.first_reply.slice(0, separator));
      const agent = chat.first_reply.slice(separator + 1);
      if (inRange(replyAt) && replyAt >= firstIn) {
        const seconds = (replyAt - firstIn) / 1000;
        for (const figures of [total, at(byDay, dayOf(replyAt)), at(byAgent, agent)])
          figures.firstResponse.push(seconds);
      }
    }
    const resolved = chat.resolved === null ? null : Number(chat.resolved);
    if (inRange(resolved) && firstIn !== null && resolved >= firstIn) {
      const seconds = (resolved - firstIn) / 1000;
      for (const figures of [total, at(byDay, dayOf(resolved))]) figures.resolution.push(seconds);
    }
  }
  for (const message of raw.messages) {
    const sent = message.sent_at === null ? null : Number(message.sent_at);
    const received = message.received_at === null ? null : Number(message.received_at);
    if (inRange(received)) for (const figures of [total, at(byDay, dayOf(received))]) figures.received += 1;
    if (!inRange(sent)) continue;
    for (const figures of [total, at(byDay, dayOf(sent))]) {
      figures.sent += 1;
      figures.delivered += Number(message.delivered);
      figures.read += Number(message.read);
      figures.failed += Number(message.failed);
    }
  }
  for (const rating of raw.ratings) {
    const t = Number(rating.at);
    if (!inRange(t)) continue;
    const scale = Number(rating.scale ?? 5) || 5;
    const positive = 1 + Math.round((4 * (Number(rating.rating) - 1)) / (scale - 1)) >= 4 ? 1 : 0;
    for (const figures of [total, at(byDay, dayOf(t))]) {
      figures.ratings += 1;
      figures.positive += positive;
    }
  }
  const finish = (figures: Figures) => ({
    ...figures,
    firstResponse: summarizeDurations(figures.firstResponse),
    resolution: summarizeDurations(figures.resolution),
  });
  return {
    summary: finish(total),
    byDay: [...byDay].sort().map(([key, figures]) => ({ key, ...finish(figures) })),
    byAgent: [...byAgent].sort().map(([key, figures]) => ({ key, ...finish(figures) })),
  };
}

export async function runBaselines(
  store: Store,
  backend: Backend,
  workspaceId: string,
  from: number,
  to: number,
  timeZone: string,
  duckDbFile: string,
  log: (line: string) => void,
) {
  const runs: number[] = [];
  let figures: ReturnType<typeof overviewFrom> | null = null;
  for (let run = 0; run < 2; run += 1) {
    const started = performance.now();
    figures = overviewFrom(await rawAggregates(store, backend, workspaceId, to), from, to, timeZone);
    runs.push(Math.round(performance.now() - started));
    log(`plain SQL baseline run ${run + 1}: ${runs.at(-1)} ms`);
  }
  const plainSql = {
    msPerOverview: runs,
    summary: figures && {
      conversations: figures.summary.conversations,
      firstResponse: figures.summary.firstResponse,
      resolution: figures.summary.resolution,
      messages: {
        sent: figures.summary.sent,
        received: figures.summary.received,
        delivered: figures.summary.delivered,
        read: figures.summary.read,
        failed: figures.summary.failed,
      },
      csat: { ratings: figures.summary.ratings, positive: figures.summary.positive },
      days: figures.byDay.length,
      agents: figures.byAgent.length,
    },
  };
  const duckdb = await runDuckDbBaseline(store, workspaceId, from, to, timeZone, duckDbFile, log);
  return { plainSql, duckdb };
}

/**
 * DuckDB over the same raw events: copied once into a DuckDB file (type, time, actor, message id and the
 * payload JSON, as the ledger holds them; the copy is timed apart and reused), then the same per chat and
 * per message aggregates in DuckDB's SQL with its JSON functions, summarised by the same JavaScript.
 */
async function runDuckDbBaseline(
  store: Store,
  workspaceId: string,
  from: number,
  to: number,
  timeZone: string,
  file: string,
  log: (line: string) => void,
) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const fresh = !fs.existsSync(file);
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  let copySeconds: number | null = null;
  if (fresh) {
    const started = performance.now();
    await connection.run(`CREATE TABLE events (type VARCHAR, event_time BIGINT, actor_type VARCHAR,
      actor_id VARCHAR, message_id VARCHAR, payload VARCHAR)`);
    const appender = await connection.createAppender('events');
    let after = 0;
    for (;;) {
      const rows = await store.db
        .selectFrom('events')
        .select(['position', 'type', 'event_time', 'actor_type', 'actor_id', 'message_id', 'payload'])
        .where('workspace_id', '=', workspaceId)
        .where('position', '>', after)
        .orderBy('position')
        .limit(50_000)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        appender.appendVarchar(row.type);
        appender.appendBigInt(BigInt(row.event_time));
        appender.appendVarchar(row.actor_type);
        if (row.actor_id === null) appender.appendNull();
        else appender.appendVarchar(row.actor_id);
        if (row.message_id === null) appender.appendNull();
        else appender.appendVarchar(row.message_id);
        appender.appendVarchar(row.payload);
        appender.endRow();
      }
      after = Number(rows[rows.length - 1]?.position);
    }
    appender.flushSync();
    appender.closeSync();
    copySeconds = Math.round((performance.now() - started) / 100) / 10;
    log(`DuckDB copy of the events: ${copySeconds} s`);
  }
  const read = async <T>(text: string) => (await connection.runAndReadAll(text)).getRowObjects() as T[];
  const property = (name: string) => `json_extract_string(payload, '$.properties.${name}')`;
  const runs: number[] = [];
  let figures: ReturnType<typeof overviewFrom> | null = null;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const chats = await read<ChatRow>(`
      SELECT chat,
             MIN(CASE WHEN type = 'message.received' THEN event_time END) AS first_in,
             MIN(CASE WHEN type = 'message.sent' AND actor_type = 'agent' AND status IS NULL
                      THEN lpad(CAST(event_time AS VARCHAR), 15, '0') || '|' || actor_id END) AS first_reply,
             MIN(CASE WHEN type = 'chat.resolved' THEN event_time END) AS resolved
      FROM (SELECT type, event_time, actor_type, actor_id, ${property('chatId')} AS chat, ${property('status')} AS status
            FROM events WHERE event_time < ${to}
              AND type IN ('message.received', 'message.sent', 'chat.resolved'))
      WHERE chat IS NOT NULL GROUP BY chat`);
    const messages = await read<MessageRow>(`
      SELECT MIN(CASE WHEN type = 'message.sent' AND status IS NULL THEN event_time END) AS sent_at,
             MIN(CASE WHEN type = 'message.received' THEN event_time END) AS received_at,
             MAX(CASE WHEN type IN ('message.delivered', 'message.read', 'message.played') THEN 1 ELSE 0 END) AS delivered,
             MAX(CASE WHEN type IN ('message.read', 'message.played') THEN 1 ELSE 0 END) AS read,
             MAX(CASE WHEN type = 'message.failed' THEN 1 ELSE 0 END) AS failed
      FROM (SELECT type, event_time, message_id, ${property('status')} AS status FROM events
            WHERE message_id IS NOT NULL AND event_time < ${to + 7 * DAY_MS})
      GROUP BY message_id`);
    const ratings = await read<{ at: number; rating: string; scale: string | null }>(`
      SELECT event_time AS at, ${property('rating')} AS rating, ${property('scale')} AS scale
      FROM events WHERE type = 'csat.submitted' AND event_time < ${to}`);
    figures = overviewFrom({ chats, messages, ratings }, from, to, timeZone);
    runs.push(Math.round(performance.now() - started));
    log(`DuckDB baseline run ${run + 1}: ${runs.at(-1)} ms`);
  }
  connection.closeSync();
  instance.closeSync();
  return {
    msPerOverview: runs,
    copySeconds,
    summary: figures && {
      conversations: figures.summary.conversations,
      firstResponse: figures.summary.firstResponse,
      resolution: figures.summary.resolution,
      messages: { sent: figures.summary.sent, received: figures.summary.received },
    },
  };
}
