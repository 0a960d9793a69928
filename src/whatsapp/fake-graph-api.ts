/**
 * A local stand-in for Meta's Graph API, for the tests and the sandbox (`chatledger demo`): nobody needs a Meta
 * account to see replies go out and statuses come back, and no test calls the internet.
 *
 * It does what the real Cloud API does at its edges:
 * - `POST /{version}/{phone_number_id}/messages` (the version segment is optional, as on graph.facebook.com)
 *   checks the bearer token of the business number, then the body as Meta documents it (`messaging_product`,
 *   `to` or `recipient`, `type` text or template, `text.body` up to 4096 characters, `template.name` and
 *   `template.language.code`), and answers `{messaging_product, contacts: [{input, wa_id}], messages: [{id}]}`,
 *   or Meta's error JSON (`{error: {message, type, code, error_data: {messaging_product, details}, fbtrace_id}}`);
 * - it can be told to fail the next sends with a given Graph error (131047 re-engagement, 131026 undeliverable,
 *   190 invalid token, 130429 rate limit, or any other), or to answer slowly;
 * - it posts status notifications (sent, delivered, read, failed, played; with PMP pricing) to a chatledger
 *   webhook URL, serialised and signed exactly as Meta does (escaped unicode, `X-Hub-Signature-256`).
 * Every request is recorded for assertions.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { signWhatsAppPayload, toMetaWireJson } from '../ingest/whatsapp/signature.js';

export interface FakeBusinessNumber {
  accessToken: string;
  displayPhoneNumber?: string;
  businessAccountId?: string;
}

export interface FakeGraphApiOptions {
  /** The business numbers it serves, by `phone_number_id`, each with the access token it accepts. */
  numbers: Record<string, FakeBusinessNumber>;
  /** Version segment of `graphUrl`. */
  version?: string;
  /** Where status notifications go unless a call names another target. */
  webhook?: WebhookTarget;
  /** Clock for status timestamps (epoch ms). */
  now?: () => number;
}

export interface WebhookTarget {
  /** Full URL of a chatledger channel's webhook, e.g. `http://127.0.0.1:8080/webhooks/whatsapp/ch_…`. */
  url: string;
  appSecret: string;
}

/** A Graph error to answer with. `title` becomes Meta's `(#code) title` message. */
export interface GraphErrorSpec {
  httpStatus: number;
  code: number;
  title: string;
  details?: string;
  type?: string;
  subcode?: number;
  /** The whole `message`, when Meta's is not `(#code) title` (e.g. code 190). */
  message?: string;
}

/** Errors from Meta's error-code reference, as the Cloud API returns them. */
export const GRAPH_ERRORS = {
  reEngagement: {
    httpStatus: 400,
    code: 131047,
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  undeliverable: {
    httpStatus: 400,
    code: 131026,
    title: 'Message Undeliverable',
    details:
      'Message failed to send because the recipient is not on WhatsApp, has not accepted the latest terms, or uses an old WhatsApp version.',
  },
  invalidToken: {
    httpStatus: 401,
    code: 190,
    title: 'Invalid OAuth access token',
    message: 'Invalid OAuth access token - Cannot parse access token',
  },
  rateLimit: {
    httpStatus: 400,
    code: 130429,
    title: 'Rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number in a short period of time.',
  },
} as const satisfies Record<string, GraphErrorSpec>;
export type GraphErrorName = keyof typeof GRAPH_ERRORS;

export interface RecordedRequest {
  at: number;
  version: string | undefined;
  phoneNumberId: string;
  authorization: string | undefined;
  body: unknown;
  status: number;
  answer: unknown;
}

export interface FakeSentMessage {
  messageId: string;
  phoneNumberId: string;
  /** `to` or `recipient` as sent. */
  to: string;
  type: 'text' | 'template';
  text?: string;
  template?: { name: string; languageCode: string };
  /** The pricing category the message will be billed in: `service` inside the window, else the template's. */
  category: string;
  sentAt: number;
}

export type FakeStatus = 'sent' | 'delivered' | 'read' | 'failed' | 'played';

export interface StatusOptions {
  /** Event time, epoch ms (default: now). */
  timestamp?: number;
  /** PMP pricing; default on `sent` and `delivered`, none on the others; `null` leaves it out. */
  pricing?: { billable?: boolean; category: string; type: string } | null;
  /** For `failed`: the error (default 131026 undeliverable). */
  error?: GraphErrorSpec | GraphErrorName;
  target?: WebhookTarget;
}

export interface FakeGraphApi {
  /** Base URL to configure as a channel's (or `WHATSAPP_GRAPH_URL`): origin plus version. */
  graphUrl: string;
  origin: string;
  requests: RecordedRequest[];
  /** Messages accepted, in order. */
  sent: FakeSentMessage[];
  /** Answers the next `times` sends with this error instead of sending. */
  failNextSend(error: GraphErrorSpec | GraphErrorName, times?: number): void;
  /** Waits this long before answering the next send. */
  delayNextSend(ms: number): void;
  /** Where status notifications go by default. */
  connectWebhook(target: WebhookTarget): void;
  /** The status notification Meta would post for a message this fake sent. */
  statusNotification(messageId: string, status: FakeStatus, options?: StatusOptions): unknown;
  /** Posts it, signed; answers chatledger's status and body. */
  postStatus(
    messageId: string,
    status: FakeStatus,
    options?: StatusOptions,
  ): Promise<{ status: number; body: unknown }>;
  /** Posts any notification as Meta would (escaped unicode, signed with the target's app secret). */
  postNotification(payload: unknown, target?: WebhookTarget): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

const PHONE = /^\+?(\d{6,15})$/;
const TEXT_LIMIT = 4096;

export async function startFakeGraphApi(options: FakeGraphApiOptions): Promise<FakeGraphApi> {
  const version = options.version ?? 'v26.0';
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  const sent: FakeSentMessage[] = [];
  const failures: GraphErrorSpec[] = [];
  let delayMs = 0;
  let webhook = options.webhook;

  const app = Fastify({ logger: false });
  // Meta answers a body it cannot parse with its own error JSON, not an HTML page.
  app.setErrorHandler((error, request, reply) => {
    const details = error instanceof Error ? error.message : String(error);
    const answer = errorBody({ httpStatus: 400, code: 100, title: 'Invalid parameter', details });
    record(request, 400, answer);
    return reply.status(400).send(answer);
  });

  const record = (request: FastifyRequest, status: number, answer: unknown) => {
    const params = request.params as { version?: string; phoneNumberId?: string };
    requests.push({
      at: now(),
      version: params.version,
      phoneNumberId: params.phoneNumberId ?? '',
      authorization: request.headers.authorization,
      body: request.body,
      status,
      answer,
    });
  };

  const handleSend = async (request: FastifyRequest, reply: FastifyReply) => {
    const { phoneNumberId = '' } = request.params as { phoneNumberId?: string };
    const answerWith = (status: number, answer: unknown) => {
      record(request, status, answer);
      return reply.status(status).send(answer);
    };
    if (delayMs > 0) {
      const wait = delayMs;
      delayMs = 0;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    const number = options.numbers[phoneNumberId];
    if (token === undefined || !Object.values(options.numbers).some((n) => n.accessToken === token)) {
      return answerWith(401, errorBody(GRAPH_ERRORS.invalidToken));
    }
    if (number === undefined || number.accessToken !== token) {
      return answerWith(
        400,
        errorBody({
          httpStatus: 400,
          code: 100,
          subcode: 33,
          type: 'GraphMethodException',
          title: 'Unsupported post request',
          message: `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        }),
      );
    }
    const checked = checkSendBody(request.body);
    if (!checked.ok) {
      return answerWith(
        400,
        errorBody({ httpStatus: 400, code: 100, title: 'Invalid parameter', details: checked.details }),
      );
    }
    const failure = failures.shift();
    if (failure) return answerWith(failure.httpStatus, errorBody(failure));

    const { to, phone, message } = checked;
    const messageId = newWamid(phone ?? to);
    sent.push({
      messageId,
      phoneNumberId,
      to,
      type: message.type,
      ...(message.type === 'text'
        ? { text: message.text }
        : { template: { name: message.templateName, languageCode: message.languageCode } }),
      category: message.type === 'text' ? 'service' : 'utility',
      sentAt: now(),
    });
    return answerWith(200, {
      messaging_product: 'whatsapp',
      contacts: [phone === undefined ? { input: to, user_id: to } : { input: to, wa_id: phone }],
      messages: [{ id: messageId, ...(message.type === 'template' ? { message_status: 'accepted' } : {}) }],
    });
  };
  app.post('/:version/:phoneNumberId/messages', handleSend);
  app.post('/:phoneNumberId/messages', handleSend);

  const origin = await app.listen({ port: 0, host: '127.0.0.1' });

  const statusNotification = (messageId: string, status: FakeStatus, statusOptions: StatusOptions = {}) => {
    const message = sent.find((each) => each.messageId === messageId);
    const phoneNumberId = message?.phoneNumberId ?? Object.keys(options.numbers)[0] ?? '';
    const number = options.numbers[phoneNumberId];
    const recipient = message?.to ?? '';
    const phone = PHONE.exec(recipient)?.[1];
    const category = message?.category ?? 'utility';
    const defaultPricing =
      status === 'sent' || status === 'delivered'
        ? category === 'service'
          ? { billable: false, category: 'service', type: 'free_customer_service' }
          : { billable: true, category, type: 'regular' }
        : null;
    const pricing = statusOptions.pricing === undefined ? defaultPricing : statusOptions.pricing;
    const errorSpec =
      typeof statusOptions.error === 'string'
        ? GRAPH_ERRORS[statusOptions.error]
        : (statusOptions.error ?? GRAPH_ERRORS.undeliverable);
    const item = {
      id: messageId,
      status,
      timestamp: String(Math.floor((statusOptions.timestamp ?? now()) / 1000)),
      ...(phone === undefined ? { recipient_user_id: recipient } : { recipient_id: phone }),
      ...(pricing === null
        ? {}
        : {
            pricing: {
              billable: pricing.billable ?? pricing.type === 'regular',
              pricing_model: 'PMP',
              category: pricing.category,
              type: pricing.type,
            },
          }),
      ...(status === 'failed'
        ? {
            errors: [
              {
                code: errorSpec.code,
                title: errorSpec.title,
                message: errorSpec.title,
                error_data: { details: 'details' in errorSpec ? errorSpec.details : errorSpec.title },
                href: 'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes',
              },
            ],
          }
        : {}),
    };
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: number?.businessAccountId ?? '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: number?.displayPhoneNumber ?? '15550783881',
                  phone_number_id: phoneNumberId,
                },
                statuses: [item],
              },
              field: 'messages',
            },
          ],
        },
      ],
    };
  };

  const postNotification = async (payload: unknown, target = webhook) => {
    if (!target) throw new Error('no webhook target: call connectWebhook({url, appSecret}) first');
    const body = toMetaWireJson(payload);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'facebookexternalua',
        'x-hub-signature-256': signWhatsAppPayload(body, target.appSecret),
      },
      body,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed };
  };

  return {
    graphUrl: `${origin}/${version}`,
    origin,
    requests,
    sent,
    failNextSend(error, times = 1) {
      const spec = typeof error === 'string' ? GRAPH_ERRORS[error] : error;
      for (let i = 0; i < times; i++) failures.push(spec);
    },
    delayNextSend(ms) {
      delayMs = ms;
    },
    connectWebhook(target) {
      webhook = target;
    },
    statusNotification,
    postStatus: (messageId, status, statusOptions = {}) =>
      postNotification(statusNotification(messageId, status, statusOptions), statusOptions.target ?? webhook),
    postNotification,
    close: () => app.close(),
  };
}

type CheckedSend =
  | {
      ok: true;
      to: string;
      phone: string | undefined;
      message:
        { type: 'text'; text: string } | { type: 'template'; templateName: string; languageCode: string };
    }
  | { ok: false; details: string };

/** The body checks Meta applies, with its wording where it has one. */
function checkSendBody(body: unknown): CheckedSend {
  const fail = (details: string): CheckedSend => ({ ok: false, details });
  if (!isObject(body)) return fail('The request body must be a JSON object.');
  if (body['messaging_product'] !== 'whatsapp') return fail('The parameter messaging_product is required.');
  if (body['recipient_type'] !== undefined && body['recipient_type'] !== 'individual') {
    return fail('Invalid parameter: recipient_type must be individual.');
  }
  const to = typeof body['to'] === 'string' ? body['to'] : undefined;
  const recipient = typeof body['recipient'] === 'string' ? body['recipient'] : undefined;
  if (to === undefined && recipient === undefined) return fail('The parameter to is required.');
  const phone = to === undefined ? undefined : PHONE.exec(to)?.[1];
  if (to !== undefined && phone === undefined)
    return fail(`Invalid parameter: to "${to}" is not a phone number.`);
  if (body['context'] !== undefined) {
    const context = body['context'];
    if (!isObject(context) || typeof context['message_id'] !== 'string') {
      return fail('Invalid parameter: context.message_id must be a message id.');
    }
  }
  const type = body['type'] ?? 'text';
  if (type === 'text') {
    const text = body['text'];
    if (!isObject(text) || typeof text['body'] !== 'string' || text['body'].trim() === '') {
      return fail("The parameter text['body'] is required.");
    }
    if (text['body'].length > TEXT_LIMIT) {
      return fail(`Param text['body'] must be at most ${TEXT_LIMIT} characters long.`);
    }
    if (text['preview_url'] !== undefined && typeof text['preview_url'] !== 'boolean') {
      return fail("Param text['preview_url'] must be a boolean.");
    }
    return {
      ok: true,
      to: (to ?? recipient) as string,
      phone,
      message: { type: 'text', text: text['body'] },
    };
  }
  if (type === 'template') {
    const template = body['template'];
    if (!isObject(template) || typeof template['name'] !== 'string' || template['name'] === '') {
      return fail("The parameter template['name'] is required.");
    }
    const language = template['language'];
    if (!isObject(language) || typeof language['code'] !== 'string' || language['code'] === '') {
      return fail("The parameter template['language']['code'] is required.");
    }
    if (template['components'] !== undefined && !Array.isArray(template['components'])) {
      return fail("Param template['components'] must be an array.");
    }
    return {
      ok: true,
      to: (to ?? recipient) as string,
      phone,
      message: { type: 'template', templateName: template['name'], languageCode: language['code'] },
    };
  }
  return fail(`The sandbox sends text and template messages; type "${String(type)}" is not supported.`);
}

function errorBody(spec: GraphErrorSpec) {
  return {
    error: {
      message: spec.message ?? `(#${spec.code}) ${spec.title}`,
      type: spec.type ?? 'OAuthException',
      code: spec.code,
      ...(spec.subcode === undefined ? {} : { error_subcode: spec.subcode }),
      ...(spec.details === undefined
        ? {}
        : { error_data: { messaging_product: 'whatsapp', details: spec.details } }),
      fbtrace_id: randomBytes(12).toString('base64url'),
    },
  };
}

/** A new message id in Meta's shape: `wamid.` and base64 (here of the recipient and random bytes). */
const newWamid = (recipient: string) =>
  `wamid.${Buffer.concat([Buffer.from(`HBgL${recipient}FQIAERgS`), randomBytes(10)]).toString('base64')}`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
