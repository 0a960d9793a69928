/**
 * The demo talks to chatledger the way an integration would: over HTTP, with the workspace's keys. Every
 * request has a timeout, so a stuck server cannot hang the demo.
 */
export interface DemoKeys {
  workspaceId: string;
  writeKey: string;
  secretKey: string;
}

export class DemoRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    super(`${what}: HTTP ${status}${error ? ` ${error.code}: ${error.message}` : ''}`);
  }
}

export interface CaptureAnswer {
  accepted: number;
  duplicates: number;
  rejected: { index: number; code: string; message: string }[];
}

export interface ConversationSummary {
  id: string;
  status: string;
  owner: { type: string; id: string | null } | null;
  cycles: number;
}

const TIMEOUT_MS = 20_000;

export class DemoApi {
  constructor(
    readonly baseUrl: string,
    private readonly keys: DemoKeys,
  ) {}

  async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; key?: 'write' | 'secret' | 'none'; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const key = options.key ?? 'secret';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key === 'none'
          ? {}
          : { authorization: `Bearer ${key === 'write' ? this.keys.writeKey : this.keys.secretKey}` }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error
    }
    if (!response.ok) throw new DemoRequestError(response.status, body, `${method} ${path}`);
    return body as T;
  }

  /** `POST /v1/capture`; a rejected event is an error (the demo only sends valid ones). */
  async capture(batch: readonly object[]): Promise<CaptureAnswer> {
    const answer = await this.request<CaptureAnswer>('POST', '/v1/capture', {
      body: { batch },
      key: 'write',
    });
    if (answer.rejected.length > 0) {
      throw new DemoRequestError(200, answer, `capture rejected ${JSON.stringify(answer.rejected[0])}`);
    }
    return answer;
  }

  /** A conversation command (`assign`, `status`, `tags`, `notes`, `priority`, `type`, `deal`). */
  command(
    conversationId: string,
    path: string,
    body: object,
    options: { agentId?: string | null; idempotencyKey: string },
  ): Promise<unknown> {
    return this.request('POST', `/api/v1/conversations/${conversationId}/${path}`, {
      body,
      headers: {
        'idempotency-key': options.idempotencyKey,
        ...(options.agentId ? { 'x-agent-id': options.agentId } : {}),
      },
    });
  }

  /** An agent's reply through the send API; answers the new message's id (its `wamid`). */
  async reply(conversationId: string, agentId: string, text: string, replyTo?: string): Promise<string> {
    const answer = await this.request<{ message: { id: string; status: string } }>(
      'POST',
      `/api/v1/conversations/${conversationId}/messages`,
      { body: { text, ...(replyTo ? { replyTo } : {}) }, headers: { 'x-agent-id': agentId } },
    );
    if (answer.message.status !== 'sent') {
      throw new DemoRequestError(201, answer, `reply was not sent (${answer.message.status})`);
    }
    return answer.message.id;
  }

  /** The contact's most recently active conversation on the channel. */
  async latestConversation(contact: string, channel: string): Promise<ConversationSummary | null> {
    const query = new URLSearchParams({ contact, channel, limit: '1' });
    const page = await this.request<{ items: ConversationSummary[] }>(
      'GET',
      `/api/v1/conversations?${query}`,
    );
    return page.items[0] ?? null;
  }
}
