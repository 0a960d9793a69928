/**
 * `chatledger verify`: recomputes each workspace's hash chain from the stored rows and names the first
 * event that does not match, so an edit made behind the triggers' back (or a lost row) is found.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { eventHash, GENESIS_HASH } from './hash-chain.js';

export interface VerifyProblem {
  workspaceId: string;
  /** The first event that does not match (null when the problem is the chain head). */
  position: number | null;
  seq: number;
  eventId: string | null;
  reason: 'hash_mismatch' | 'broken_link' | 'missing_event' | 'head_mismatch';
  message: string;
}

export interface VerifyReport {
  workspaces: number;
  events: number;
  ok: boolean;
  problem: VerifyProblem | null;
}

const PAGE = 5000;

export async function verifyLedger(
  db: Kysely<Database>,
  options: { workspaceId?: string; onProgress?: (checked: number) => void } = {},
): Promise<VerifyReport> {
  let heads = db.selectFrom('ledger_heads').selectAll().orderBy('workspace_id');
  if (options.workspaceId) heads = heads.where('workspace_id', '=', options.workspaceId);
  const report: VerifyReport = { workspaces: 0, events: 0, ok: true, problem: null };
  for (const head of await heads.execute()) {
    report.workspaces += 1;
    let previousHash = GENESIS_HASH;
    let expectedSeq = 1;
    for (;;) {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('workspace_id', '=', head.workspace_id)
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(PAGE)
        .execute();
      for (const row of rows) {
        const fail = (reason: VerifyProblem['reason'], message: string) => {
          report.ok = false;
          report.problem = {
            workspaceId: head.workspace_id,
            position: row.position,
            seq: row.seq,
            eventId: row.event_id,
            reason,
            message,
          };
          return report;
        };
        if (row.seq !== expectedSeq)
          return fail(
            'missing_event',
            `event seq ${expectedSeq} is missing; the chain continues at ${row.seq}`,
          );
        if (row.prev_hash !== previousHash)
          return fail('broken_link', `prev_hash does not match the hash of seq ${row.seq - 1}`);
        const { position: _position, hash, ...fields } = row;
        if (eventHash(fields) !== hash)
          return fail(
            'hash_mismatch',
            'the stored fields do not produce the stored hash: the event was changed',
          );
        previousHash = hash;
        expectedSeq += 1;
        report.events += 1;
      }
      options.onProgress?.(report.events);
      if (rows.length < PAGE) break;
    }
    if (head.seq !== expectedSeq - 1 || head.hash !== previousHash) {
      report.ok = false;
      report.problem = {
        workspaceId: head.workspace_id,
        position: null,
        seq: head.seq,
        eventId: null,
        reason: 'head_mismatch',
        message: `the chain head says seq ${head.seq}, the ledger ends at seq ${expectedSeq - 1}: events were removed or the head was edited`,
      };
      return report;
    }
  }
  return report;
}
