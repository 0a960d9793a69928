/**
 * API keys. Write keys reach only the capture endpoints; secret keys reach `/api/v1`. A key may come
 * as `Authorization: Bearer <key>`, as `X-Write-Key: <key>`, or Segment style as HTTP Basic with the
 * key as user name and an empty password.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/events.js';
import type { Kysely } from 'kysely';
import { AppError } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { KeyKind } from '../workspaces/keys.js';
import { workspaceForKey } from '../workspaces/workspaces.js';

export interface AuthenticatedWorkspace {
  id: string;
  name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    workspace: AuthenticatedWorkspace;
  }
}

export function keyFromRequest(request: FastifyRequest): string | undefined {
  const writeKey = request.headers['x-write-key'];
  if (typeof writeKey === 'string' && writeKey !== '') return writeKey.trim();
  const authorization = request.headers.authorization;
  if (!authorization) return undefined;
  const [scheme, value = ''] = authorization.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim() || undefined;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    return user || undefined;
  }
  return undefined;
}

/**
 * Resolves keys to workspaces with a short-lived cache: a capture request must not cost a database
 * round trip for its key. A revoked key stops working within `ttlMs`.
 */
export class KeyResolver {
  private readonly cache = new Map<string, { workspace: AuthenticatedWorkspace | null; until: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs = 30_000,
  ) {}

  async resolve(key: string, kind: KeyKind, now = Date.now()): Promise<AuthenticatedWorkspace | null> {
    const cacheKey = `${kind}:${key}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > now) return cached.workspace;
    const workspace = (await workspaceForKey(this.db, key, kind)) ?? null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(cacheKey, { workspace, until: now + this.ttlMs });
    return workspace;
  }

  /** A Fastify preHandler that admits only requests carrying a valid key of `kind`. */
  require(kind: KeyKind) {
    return async (request: FastifyRequest) => {
      const key = keyFromRequest(request);
      if (!key) {
        throw new AppError('unauthorized', `a ${kind} key is required (Authorization: Bearer <key>)`, 401);
      }
      const workspace = await this.resolve(key, kind);
      if (!workspace) throw new AppError('unauthorized', `the ${kind} key is not valid`, 401);
      request.workspace = workspace;
    };
  }
}

/**
 * Who is acting through the REST API. Until user accounts arrive (the dashboard), a secret-key
 * caller names the agent it acts for in `X-Agent-Id`; without it the actor is the integration itself.
 */
export function actorOfRequest(request: FastifyRequest): Actor {
  const agentId = request.headers['x-agent-id'];
  if (typeof agentId === 'string' && agentId.trim() !== '') return { type: 'agent', id: agentId.trim() };
  return { type: 'integration', id: 'api' };
}
