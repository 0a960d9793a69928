import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { GENESIS_HASH } from '../ledger/hash-chain.js';
import type { Database } from '../store/schema.js';
import { hashApiKey, keyPrefix, newApiKey, randomToken, type KeyKind } from './keys.js';

export interface CreatedWorkspace {
  id: string;
  name: string;
  /** Shown once: only their hashes are stored. */
  writeKey: string;
  secretKey: string;
}

export async function createWorkspace(
  db: Kysely<Database>,
  name: string,
  now: number,
): Promise<CreatedWorkspace> {
  const id = `ws_${randomToken(16)}`;
  const writeKey = newApiKey('write');
  const secretKey = newApiKey('secret');
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('workspaces').values({ id, name, created_at: now, settings: '{}' }).execute();
    await trx.insertInto('ledger_heads').values({ workspace_id: id, seq: 0, hash: GENESIS_HASH }).execute();
    await trx
      .insertInto('api_keys')
      .values(
        (
          [
            ['write', writeKey],
            ['secret', secretKey],
          ] as const
        ).map(([kind, key]) => ({
          id: randomUUID(),
          workspace_id: id,
          kind,
          key_hash: hashApiKey(key),
          key_prefix: keyPrefix(key),
          created_at: now,
          revoked_at: null,
        })),
      )
      .execute();
  });
  return { id, name, writeKey, secretKey };
}

/** The workspace a key opens, if the key exists, is of that kind and is not revoked. */
export async function workspaceForKey(
  db: Kysely<Database>,
  key: string,
  kind: KeyKind,
): Promise<{ id: string; name: string } | undefined> {
  return db
    .selectFrom('api_keys')
    .innerJoin('workspaces', 'workspaces.id', 'api_keys.workspace_id')
    .select(['workspaces.id', 'workspaces.name'])
    .where('api_keys.key_hash', '=', hashApiKey(key))
    .where('api_keys.kind', '=', kind)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function listWorkspaces(db: Kysely<Database>) {
  return db
    .selectFrom('workspaces')
    .select(['id', 'name', 'created_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
