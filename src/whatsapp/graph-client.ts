/**
 * Sending through the WhatsApp Cloud API: `POST {graphUrl}/{phone_number_id}/messages` with the channel's
 * access token as `Authorization: Bearer …`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/text-messages,
 * …/messages/template-messages).
 *
 * Every outcome is a value, never an exception (STYLE.md §6): `{ok: true, messageId}` with the `wamid` Meta
 * assigned, or `{ok: false, error}` with Meta's error code, title, message and details, so a caller can record
 * a failed message with the error kept. Three kinds of failure:
 * - Graph errors: Meta's error JSON `{error: {message, type, code, error_subcode, error_data: {messaging_product,
 *   details}, fbtrace_id}}` (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 *   The message was not sent. Build logic on `code` and `details`, not on titles, as Meta advises.
 * - `graph_unreachable`: the connection failed. When it was never made (refused, no DNS) the message was not
 *   sent; when it broke later the outcome is unknown.
 * - `graph_timeout` and `graph_invalid_response`: the request may have reached Meta, so the message may exist;
 *   `outcome: 'unknown'` says so, and a later status webhook for the `wamid` (unknown to us) is still kept.
 *
 * Many delivery failures (131047 re-engagement, 131026 undeliverable) are reported by Meta asynchronously, as a
 * `failed` status webhook after a successful send; the webhook intake maps those to `message.failed`.
 */

/** Meta's `to` takes a phone number; a business-scoped user id goes in `recipient` instead (BSUID guide). */
const PHONE_PATTERN = /^\+?(\d{6,15})$/;

export interface GraphClientOptions {
  /** Base URL with version, e.g. `https://graph.facebook.com/v26.0`. */
  graphUrl: string;
  phoneNumberId: string;
  accessToken: string;
  /** Whole request deadline (connect, send, answer). Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface TextMessage {
  type: 'text';
  /** Customer: E.164 phone (`+34612345678`, or Meta's digits-only `wa_id`) or a business-scoped user id. */
  to: string;
  text: string;
  /** Ask WhatsApp to render a preview of the first URL. */
  previewUrl?: boolean;
  /** The `wamid` of the customer message this replies to (shown quoted). */
  replyTo?: string;
}

export interface TemplateMessage {
  type: 'template';
  to: string;
  template: {
    name: string;
    /** Language and locale the template was approved in, e.g. `en_US`, `es`, `pt_BR`. */
    languageCode: string;
    /** Meta's `components` array (header/body/button parameters), passed through as given. */
    components?: unknown[];
  };
  replyTo?: string;
}

export type OutboundMessage = TextMessage | TemplateMessage;

export interface GraphError {
  /** Meta's numeric code (e.g. 131047), or `graph_timeout`, `graph_unreachable`, `graph_invalid_response`. */
  code: number | string;
  title: string;
  message: string;
  details?: string;
  subcode?: number;
  type?: string;
  fbtraceId?: string;
  httpStatus?: number;
  /** `rejected`: the message was not sent. `unknown`: it may have been (timeout, unreadable answer). */
  outcome: 'rejected' | 'unknown';
  /** Whether trying again later may succeed (rate limits, Meta unavailable, timeouts). */
  retryable: boolean;
}

export type SendResult =
  | {
      ok: true;
      /** The `wamid` of the new message: the key its status webhooks will carry. */
      messageId: string;
      /** `contacts[0]`: what was sent to, and Meta's `wa_id` or `user_id` for it. */
      recipient: { input?: string; waId?: string; userId?: string };
      /** `messages[0].message_status` (templates: `accepted`, `held_for_quality_assessment`, `paused`). */
      messageStatus?: string;
    }
  | { ok: false; error: GraphError };

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Codes worth retrying later: throughput and availability, per Meta's error-code reference. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);

/** The JSON body of a send request, exactly as Meta documents it. */
export function messageRequestBody(message: OutboundMessage): Record<string, unknown> {
  const phone = PHONE_PATTERN.exec(message.to)?.[1];
  const body: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...(phone === undefined ? { recipient: message.to } : { to: phone }),
    ...(message.replyTo === undefined ? {} : { context: { message_id: message.replyTo } }),
  };
  if (message.type === 'text') {
    body['type'] = 'text';
    body['text'] = {
      body: message.text,
      ...(message.previewUrl === undefined ? {} : { preview_url: message.previewUrl }),
    };
  } else {
    body['type'] = 'template';
    body['template'] = {
      name: message.template.name,
      language: { code: message.template.languageCode, policy: 'deterministic' },
      ...(message.template.components === undefined ? {} : { components: message.template.components }),
    };
  }
  return body;
}

export async function sendWhatsAppMessage(
  options: GraphClientOptions,
  message: OutboundMessage,
): Promise<SendResult> {
  const url = `${options.graphUrl.replace(/\/+$/, '')}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  const fetchImpl = options.fetch ?? fetch;
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(messageRequestBody(message)),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    text = await response.text();
  } catch (error) {
    return { ok: false, error: transportError(error, options.timeoutMs ?? 10_000) };
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: invalidResponse(response.status, `the Graph API answered HTTP ${response.status} with no JSON`),
    };
  }
  if (!response.ok || (isObject(answer) && isObject(answer['error']))) {
    return { ok: false, error: graphError(answer, response.status) };
  }
  const messageEntry =
    isObject(answer) && Array.isArray(answer['messages']) ? answer['messages'][0] : undefined;
  const messageId = isObject(messageEntry) ? stringOf(messageEntry['id']) : undefined;
  if (messageId === undefined) {
    return {
      ok: false,
      error: invalidResponse(response.status, 'the Graph API answer has no messages[0].id'),
    };
  }
  const contact = isObject(answer) && Array.isArray(answer['contacts']) ? answer['contacts'][0] : undefined;
  const messageStatus = isObject(messageEntry) ? stringOf(messageEntry['message_status']) : undefined;
  return {
    ok: true,
    messageId,
    recipient: isObject(contact)
      ? compact({
          input: stringOf(contact['input']),
          waId: stringOf(contact['wa_id']),
          userId: stringOf(contact['user_id']),
        })
      : {},
    ...(messageStatus === undefined ? {} : { messageStatus }),
  };
}

/** A client bound to one channel. */
export class WhatsAppGraphClient {
  constructor(private readonly options: GraphClientOptions) {}

  send(message: OutboundMessage): Promise<SendResult> {
    return sendWhatsAppMessage(this.options, message);
  }

  sendText(to: string, text: string, extra: Omit<TextMessage, 'type' | 'to' | 'text'> = {}) {
    return this.send({ type: 'text', to, text, ...extra });
  }

  sendTemplate(to: string, template: TemplateMessage['template'], replyTo?: string) {
    return this.send({ type: 'template', to, template, ...(replyTo === undefined ? {} : { replyTo }) });
  }
}

/**
 * Meta's error JSON → `GraphError`. `message` is like `(#131047) Re-engagement message`; the title is that text
 * without the code prefix (API answers carry no separate title; webhooks do).
 */
function graphError(answer: unknown, httpStatus: number): GraphError {
  const error = isObject(answer) && isObject(answer['error']) ? answer['error'] : {};
  const data = isObject(error['error_data']) ? error['error_data'] : {};
  const code = typeof error['code'] === 'number' ? error['code'] : httpStatus;
  const message = stringOf(error['message']) ?? `the Graph API answered HTTP ${httpStatus}`;
  const title = stringOf(error['error_user_title']) ?? message.replace(/^\(#\d+\)\s*/, '');
  const details = stringOf(data['details']) ?? stringOf(error['error_user_msg']);
  const subcode = typeof error['error_subcode'] === 'number' ? error['error_subcode'] : undefined;
  return {
    code,
    title,
    message,
    ...(details === undefined ? {} : { details }),
    ...(subcode === undefined ? {} : { subcode }),
    ...(stringOf(error['type']) === undefined ? {} : { type: stringOf(error['type']) }),
    ...(stringOf(error['fbtrace_id']) === undefined ? {} : { fbtraceId: stringOf(error['fbtrace_id']) }),
    httpStatus,
    outcome: 'rejected',
    retryable: httpStatus >= 500 || httpStatus === 429 || RETRYABLE_CODES.has(code),
  };
}

function transportError(error: unknown, timeoutMs: number): GraphError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return {
      code: 'graph_timeout',
      title: 'Graph API timeout',
      message: `the Graph API did not answer within ${timeoutMs} ms; the message may or may not have been sent`,
      outcome: 'unknown',
      retryable: true,
    };
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const causeCode = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const reason = cause?.message ?? (error instanceof Error ? error.message : String(error));
  // Before a connection exists nothing can have been sent; a connection lost later leaves it open.
  const neverConnected = causeCode !== undefined && CONNECT_FAILURES.has(causeCode);
  return {
    code: 'graph_unreachable',
    title: 'Graph API unreachable',
    message: `could not reach the Graph API: ${reason}${neverConnected ? '' : '; the message may or may not have been sent'}`,
    outcome: neverConnected ? 'rejected' : 'unknown',
    retryable: true,
  };
}

function invalidResponse(httpStatus: number, message: string): GraphError {
  return {
    code: 'graph_invalid_response',
    title: 'Unreadable Graph API answer',
    message,
    httpStatus,
    outcome: 'unknown',
    retryable: httpStatus >= 500,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOf = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
function compact<T extends Record<string, string | undefined>>(object: T) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: string;
  };
}
