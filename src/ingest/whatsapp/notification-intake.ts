/**
 * A signed WhatsApp webhook body → what to append: the events, and a quarantine item for every part that
 * produced none (DESIGN.md principle 6: one bad item never drops the rest, and nothing is lost). Pure: the
 * HTTP route verifies the signature before and commits after.
 *
 * Two checks sit on top of `mapWhatsAppNotification`:
 * - the body must be JSON (`whatsapp_invalid_json`; Meta never sends anything else, so this is a forger with
 *   the app secret or a broken proxy, and the body is kept as text);
 * - each change must be about a business number the workspace registered as a channel
 *   (`whatsapp_unknown_phone_number`). Meta posts every number of every WhatsApp Business Account subscribed
 *   to an app to that app's one callback URL
 *   (https://developers.facebook.com/docs/graph-api/webhooks/getting-started), so a URL shared by several
 *   businesses would otherwise mix their customers into one workspace. The fix is to add the number as a
 *   channel and replay the item.
 *
 * Each change is mapped on its own (the mapper's per-change rules, such as which message anchors a contact's
 * profile, are unaffected), so every rejection is known with its entry and change. Its quarantine envelope
 * keeps what the item needs around it — the entry id, the change's field, `metadata` and `contacts` — and
 * `rebuildQuarantinedNotification` puts the item back into a notification of its own for replay.
 */
import type { NewEvent } from '../../domain/events.js';
import type { NewQuarantineItem } from '../../ledger/quarantine.js';
import { isRecord, readString, type RawObject } from './json-reader.js';
import { mapWhatsAppNotification, type WhatsAppMappingResult } from './map-notification.js';
import type { WhatsAppRejectionCode } from './rejections.js';

export const WHATSAPP_INTAKE_REJECTION_CODES = [
  /** The body is not JSON. */
  'whatsapp_invalid_json',
  /** A change about a business number that is not a channel of the workspace. */
  'whatsapp_unknown_phone_number',
] as const;
export type WhatsAppIntakeRejectionCode =
  WhatsAppRejectionCode | (typeof WHATSAPP_INTAKE_REJECTION_CODES)[number];

export interface WhatsAppIntakeContext {
  /** Business number of the channel the webhook URL names; the channel of changes without `metadata`. */
  phoneNumberId: string;
  /** Business numbers registered as channels of the workspace. */
  knownPhoneNumberIds: ReadonlySet<string>;
  receivedAt: number;
  newEventId: () => string;
  /** The channel the webhook URL names, recorded with quarantined items. */
  channelId?: string;
}

export interface WhatsAppIntakeRejection {
  path: string;
  code: WhatsAppIntakeRejectionCode;
  message: string;
}

export interface WhatsAppIntake {
  events: NewEvent[];
  rejected: WhatsAppIntakeRejection[];
  quarantine: NewQuarantineItem[];
}

/** Where a quarantined part sat, enough to put it back into a notification of its own. */
export type QuarantineEnvelope = {
  /** JSON path in the original notification. */
  path: string;
  channelId?: string;
  phoneNumberId: string;
} & (
  | { kind: 'body' }
  | { kind: 'notification' }
  | { kind: 'entry'; object: unknown }
  | { kind: 'change'; object: unknown; entry: RawObject }
  | {
      kind: 'item';
      object: unknown;
      entry: RawObject;
      field: unknown;
      /** The change's `value` without its `messages`, `statuses` and `errors`. */
      value: RawObject;
      member: string;
      /** Whether the item was one element of the member's array (else the member itself was malformed). */
      inArray: boolean;
    }
);

type Envelope = QuarantineEnvelope;

/** The only `object` Cloud API sends for WhatsApp Business Account webhooks. */
const WHATSAPP_OBJECT = 'whatsapp_business_account';
type EnvelopeBase = Pick<Envelope, 'channelId' | 'phoneNumberId'>;

/** The raw request body, as received. */
export function prepareWhatsAppBody(rawBody: Buffer, context: WhatsAppIntakeContext): WhatsAppIntake {
  const text = rawBody.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    const intake: WhatsAppIntake = { events: [], rejected: [], quarantine: [] };
    const message = `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`;
    reject(intake, context, { path: '', code: 'whatsapp_invalid_json', message }, text, {
      ...baseOf(context),
      path: '',
      kind: 'body',
    });
    return intake;
  }
  return prepareWhatsAppNotification(payload, context);
}

/** A parsed notification. */
export function prepareWhatsAppNotification(
  payload: unknown,
  context: WhatsAppIntakeContext,
): WhatsAppIntake {
  const intake: WhatsAppIntake = { events: [], rejected: [], quarantine: [] };
  const base = baseOf(context);
  const map = (notification: unknown) =>
    mapWhatsAppNotification(notification, {
      channel: context.phoneNumberId,
      receivedAt: context.receivedAt,
      newEventId: context.newEventId,
    });

  if (!isRecord(payload) || payload['object'] !== WHATSAPP_OBJECT || !Array.isArray(payload['entry'])) {
    // Not a notification at all: the mapper says why, and the whole body is the quarantined item.
    absorb(intake, context, map(payload), () => ({ ...base, path: '', kind: 'notification' }), '', '');
    return intake;
  }
  const object = payload['object'];
  payload['entry'].forEach((entry: unknown, entryIndex) => {
    const entryPath = `entry[${entryIndex}]`;
    if (!isRecord(entry) || !Array.isArray(entry['changes'])) {
      const envelope = (): Envelope => ({ ...base, path: entryPath, kind: 'entry', object });
      absorb(intake, context, map({ object, entry: [entry] }), envelope, 'entry[0]', entryPath);
      return;
    }
    const { changes, ...entryFields } = entry;
    (changes as unknown[]).forEach((change, changeIndex) => {
      const changePath = `${entryPath}.changes[${changeIndex}]`;
      const changeEnvelope = (): Envelope => ({
        ...base,
        path: changePath,
        kind: 'change',
        object,
        entry: entryFields,
      });
      const number = businessNumberOf(change);
      if (number !== undefined && !context.knownPhoneNumberIds.has(number)) {
        const message =
          `business number ${number} is not a channel of this workspace: add it ` +
          '(POST /api/v1/channels or `chatledger channel add`), then replay this item';
        const rejection = { path: changePath, code: 'whatsapp_unknown_phone_number' as const, message };
        reject(intake, context, rejection, change, changeEnvelope());
        return;
      }
      const single = { object, entry: [{ ...entryFields, changes: [change] }] };
      const envelopeAt = (path: string): Envelope => {
        const member = /^entry\[0\]\.changes\[0\]\.value\.(\w+)(\[\d+\])?$/.exec(path);
        if (member?.[1] && isRecord(change) && isRecord(change['value'])) {
          const { messages: _m, statuses: _s, errors: _e, ...value } = change['value'];
          return {
            ...base,
            path: path.replace('entry[0].changes[0]', changePath),
            kind: 'item',
            object,
            entry: entryFields,
            field: change['field'],
            value,
            member: member[1],
            inArray: member[2] !== undefined,
          };
        }
        if (path.startsWith('entry[0].changes[0]')) return changeEnvelope();
        return { ...base, path: entryPath, kind: 'entry', object };
      };
      absorb(intake, context, map(single), envelopeAt, 'entry[0].changes[0]', changePath);
    });
  });
  return intake;
}

/**
 * The notification a quarantined part came in, reduced to that part: what replay maps again. Undefined when
 * the envelope is not one this module wrote.
 */
export function rebuildQuarantinedNotification(raw: unknown, envelope: unknown): unknown {
  if (!isRecord(envelope)) return undefined;
  const entry = isRecord(envelope['entry']) ? envelope['entry'] : {};
  switch (envelope['kind']) {
    case 'notification':
      return raw;
    case 'entry':
      return { object: envelope['object'], entry: [raw] };
    case 'change':
      return { object: envelope['object'], entry: [{ ...entry, changes: [raw] }] };
    case 'item': {
      const value = isRecord(envelope['value']) ? envelope['value'] : {};
      const member = typeof envelope['member'] === 'string' ? envelope['member'] : 'messages';
      const change = {
        value: { ...value, [member]: envelope['inArray'] === true ? [raw] : raw },
        field: envelope['field'],
      };
      return { object: envelope['object'], entry: [{ ...entry, changes: [change] }] };
    }
    default:
      return undefined;
  }
}

/**
 * A quarantined part prepared again, all or nothing: its events when every part of it now maps, else the first
 * reason it still does not.
 */
export function prepareQuarantinedWhatsAppItem(
  raw: unknown,
  envelope: unknown,
  context: WhatsAppIntakeContext,
): { ok: true; events: NewEvent[] } | { ok: false; code: string; message: string } {
  let intake: WhatsAppIntake;
  if (isRecord(envelope) && envelope['kind'] === 'body') {
    intake = prepareWhatsAppBody(Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw)), context);
  } else {
    const notification = rebuildQuarantinedNotification(raw, envelope);
    if (notification === undefined) {
      return {
        ok: false,
        code: 'replay_unsupported',
        message: 'the item has no WhatsApp quarantine envelope',
      };
    }
    intake = prepareWhatsAppNotification(notification, context);
  }
  const first = intake.rejected[0];
  if (first) return { ok: false, code: first.code, message: first.message };
  return { ok: true, events: intake.events };
}

/** `value.metadata.phone_number_id` of a `messages` change. */
function businessNumberOf(change: unknown): string | undefined {
  if (!isRecord(change) || change['field'] !== 'messages' || !isRecord(change['value'])) return undefined;
  const metadata = change['value']['metadata'];
  return isRecord(metadata) ? readString(metadata['phone_number_id']) : undefined;
}

function baseOf(context: WhatsAppIntakeContext): EnvelopeBase {
  return {
    phoneNumberId: context.phoneNumberId,
    ...(context.channelId === undefined ? {} : { channelId: context.channelId }),
  };
}

/** Adds a mapping result, re-pathing its rejections from the one-change notification to the original. */
function absorb(
  intake: WhatsAppIntake,
  context: WhatsAppIntakeContext,
  result: WhatsAppMappingResult,
  envelopeAt: (path: string) => Envelope,
  fromPrefix: string,
  toPrefix: string,
): void {
  intake.events.push(...result.events);
  for (const rejection of result.rejected) {
    const path =
      fromPrefix !== '' && rejection.path.startsWith(fromPrefix)
        ? toPrefix + rejection.path.slice(fromPrefix.length)
        : rejection.path;
    reject(
      intake,
      context,
      { path, code: rejection.code, message: rejection.message },
      rejection.raw,
      envelopeAt(rejection.path),
    );
  }
}

function reject(
  intake: WhatsAppIntake,
  context: WhatsAppIntakeContext,
  rejection: WhatsAppIntakeRejection,
  raw: unknown,
  envelope: Envelope,
): void {
  intake.rejected.push(rejection);
  intake.quarantine.push({
    source: 'whatsapp',
    receivedAt: context.receivedAt,
    raw,
    envelope,
    code: rejection.code,
    message: rejection.message,
  });
}
