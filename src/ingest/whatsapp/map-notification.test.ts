/**
 * Each fixture (written from Meta's webhook reference, see test/fixtures/whatsapp/README.md) maps to the events
 * downstream code relies on: the capture catalogue's names and properties, WhatsApp detail under `whatsapp`.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { NewEvent } from '../../domain/events.js';
import { mapWhatsAppNotification, type WhatsAppMappingResult } from './map-notification.js';

const fixturesDir = new URL('../../../test/fixtures/whatsapp/', import.meta.url);
const loadFixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixturesDir), 'utf8'));

const PHONE_NUMBER_ID = '106540352242922';
const RECEIVED_AT = Date.UTC(2026, 5, 5, 12, 0, 0);

function map(name: string): WhatsAppMappingResult {
  let next = 0;
  return mapWhatsAppNotification(loadFixture(name), {
    channel: 'channel-from-url',
    receivedAt: RECEIVED_AT,
    newEventId: () => `evt-${++next}`,
  });
}

/** The fixture's only event of a type; fails loudly when there is none or several. */
function only(result: WhatsAppMappingResult, type: string): NewEvent {
  const events = result.events.filter((event) => event.type === type);
  expect(events, `events of type ${type}`).toHaveLength(1);
  return events[0] as NewEvent;
}

/** A fixture with one inbound message: its `message.received`, after the checks every such event must pass. */
function received(name: string): NewEvent {
  const result = map(name);
  expect(result.rejected).toEqual([]);
  const event = only(result, 'message.received');
  expect(event).toMatchObject({
    source: 'whatsapp',
    channel: PHONE_NUMBER_ID,
    receivedAt: RECEIVED_AT,
    idempotencyKey: `message.received:${event.subjects.messageId}`,
    actor: { type: 'customer', id: event.subjects.contactId },
    subjects: { conversationId: null },
    payload: {
      properties: { messageId: event.subjects.messageId, direction: 'inbound' },
      context: { channel: 'whatsapp', businessAccountId: '102290129340398', phoneNumberId: PHONE_NUMBER_ID },
    },
  });
  return event;
}

const props = (event: NewEvent) => event.payload.properties;
const whatsapp = (event: NewEvent) => event.payload.properties['whatsapp'];

describe('inbound messages', () => {
  it('text: body, sender as E.164 contact, profile name and the WhatsApp timestamp as event time', () => {
    const event = received('message-text.json');
    expect(event.eventTime).toBe(1780650000 * 1000);
    expect(event.subjects.contactId).toBe('+16505551234');
    expect(props(event)).toMatchObject({
      contentType: 'text',
      hasMedia: false,
      text: 'Does it come in another color?',
      profileName: 'Sheena Nelson',
    });
    expect(whatsapp(event)).toEqual({ contact: { waId: '16505551234', countryCode: 'US' } });
  });

  it('contacts[] also yields a contact.updated with the profile name, keyed on the message', () => {
    const result = map('message-text.json');
    const update = only(result, 'contact.updated');
    const message = only(result, 'message.received');
    expect(update.idempotencyKey).toBe(`contact.updated:${message.subjects.messageId}`);
    expect(update.eventTime).toBe(message.eventTime);
    expect(update.subjects).toEqual({ contactId: '+16505551234', conversationId: null, messageId: null });
    expect(props(update)).toMatchObject({ name: 'Sheena Nelson', waId: '16505551234', countryCode: 'US' });
  });

  it('context: a reply keeps the replied-to message, a forward keeps its flags', () => {
    const result = map('message-text-context.json');
    const [reply, forward] = result.events.filter((event) => event.type === 'message.received') as [
      NewEvent,
      NewEvent,
    ];
    expect(props(reply)).toMatchObject({ text: 'Sí, el martes me queda bien' });
    expect(whatsapp(reply)).toMatchObject({
      context: { messageId: expect.stringMatching(/^wamid\./), from: '15550783881' },
    });
    expect(whatsapp(forward)).toMatchObject({ context: { forwarded: true, frequentlyForwarded: true } });
    // One contact, two messages: one profile update, anchored on the smaller wamid whatever the array order.
    const update = only(result, 'contact.updated');
    const smallest = [reply, forward].map((event) => event.subjects.messageId as string).sort()[0];
    expect(update.idempotencyKey).toBe(`contact.updated:${smallest}`);
  });

  it('Click to WhatsApp referral: source "ad", ctwaClid and the ad fields so the conversation source is known', () => {
    const event = received('message-text-ctwa-referral.json');
    expect(props(event)).toMatchObject({
      source: 'ad',
      ctwaClid: 'Afe-6wBnZp9ysdl1Izm1FwM8dZuw7Bz1xFyDhkZbTK4ZBZPCX6uAz3IXmP5iT9bZ7F',
      referral: {
        sourceUrl: 'https://fb.me/3cr4Wqqkv',
        sourceId: '120214392158760524',
        sourceType: 'ad',
        headline: 'Chat with us',
        body: 'Zapatillas de running con 20% de descuento esta semana.',
        mediaType: 'image',
        imageUrl: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/ad-image.jpg',
        welcomeMessage: { text: '¡Hola! ¿En qué podemos ayudarte?' },
      },
    });
  });

  it('a message without referral has no source: it is not attributed to an ad', () => {
    expect(props(received('message-text.json'))).not.toHaveProperty('source');
  });

  it('image: media id, mime type, sha256 and url; the caption is the text', () => {
    const event = received('message-image.json');
    expect(props(event)).toMatchObject({
      contentType: 'image',
      hasMedia: true,
      text: 'Chegou assim, com a caixa amassada',
      profileName: 'João Pereira',
    });
    expect(whatsapp(event)).toMatchObject({
      media: {
        id: '1003383421387256',
        mimeType: 'image/jpeg',
        sha256: 'ym2k0VPXrj1jQOhzrYTsKRP5GaFkpcb+Zmg7kqRPBLE=',
        url: expect.stringContaining('lookaside.fbsbx.com'),
      },
      contact: { countryCode: 'BR' },
    });
    expect(event.subjects.contactId).toBe('+5511987654321');
  });

  it('video', () => {
    const event = received('message-video.json');
    expect(props(event)).toMatchObject({
      contentType: 'video',
      hasMedia: true,
      text: 'Here is the noise it makes',
    });
    expect(whatsapp(event)).toMatchObject({ media: { id: '1584203252298213', mimeType: 'video/mp4' } });
  });

  it('audio: a voice note keeps voice=true and has no text', () => {
    const event = received('message-audio-voice.json');
    expect(props(event)).toMatchObject({ contentType: 'audio', hasMedia: true });
    expect(props(event)).not.toHaveProperty('text');
    expect(whatsapp(event)).toMatchObject({
      media: { id: '1029375665528476', mimeType: 'audio/ogg; codecs=opus', voice: true },
    });
  });

  it('document: filename and caption', () => {
    const event = received('message-document.json');
    expect(props(event)).toMatchObject({
      contentType: 'document',
      hasMedia: true,
      text: 'Adjunto la factura',
    });
    expect(whatsapp(event)).toMatchObject({
      media: {
        filename: 'factura-2026-0612.pdf',
        mimeType: 'application/pdf',
        caption: 'Adjunto la factura',
      },
    });
  });

  it('sticker', () => {
    const event = received('message-sticker.json');
    expect(props(event)).toMatchObject({ contentType: 'sticker', hasMedia: true });
    expect(whatsapp(event)).toMatchObject({ media: { mimeType: 'image/webp', animated: false } });
  });

  it('location: coordinates as numbers, name, address and url', () => {
    const event = received('message-location.json');
    expect(props(event)).toMatchObject({ contentType: 'location', hasMedia: false });
    expect(whatsapp(event)).toMatchObject({
      location: {
        latitude: 19.4284706,
        longitude: -99.1640513,
        name: 'Torre Reforma 222',
        address: expect.stringContaining('Paseo de la Reforma'),
        url: 'https://maps.app.goo.gl/reforma222',
      },
    });
  });

  it('contacts: shared cards keep their names, phones (with wa_id) and emails in camelCase', () => {
    const event = received('message-contacts.json');
    expect(props(event)).toMatchObject({ contentType: 'contacts', hasMedia: false });
    expect(whatsapp(event)).toMatchObject({
      contacts: [
        {
          name: { formattedName: 'Pablo Morales', firstName: 'Pablo', lastName: 'Morales' },
          phones: [{ phone: '+1 (650) 555-1235', waId: '16505551235', type: 'WORK' }],
          emails: [{ email: 'pablo.morales@example.com', type: 'WORK' }],
          org: { company: 'Lucky Shrub' },
        },
      ],
    });
  });

  it('interactive button_reply: the button title is the text, its id is kept', () => {
    const event = received('message-interactive-button-reply.json');
    expect(props(event)).toMatchObject({ contentType: 'interactive', text: 'Hablar con un agente' });
    expect(whatsapp(event)).toMatchObject({
      interactive: { type: 'button_reply', id: 'talk-to-agent', title: 'Hablar con un agente' },
      context: { from: '15550783881' },
    });
  });

  it('interactive list_reply: row title as text, id and description kept', () => {
    const event = received('message-interactive-list-reply.json');
    expect(props(event)).toMatchObject({ contentType: 'interactive', text: 'Plano Pro' });
    expect(whatsapp(event)).toMatchObject({
      interactive: {
        type: 'list_reply',
        id: 'plan-pro',
        title: 'Plano Pro',
        description: 'Até 10 atendentes, relatórios completos',
      },
    });
  });

  it('interactive nfm_reply: the Flow response stays the JSON string Meta sent', () => {
    const event = received('message-interactive-nfm-reply.json');
    expect(props(event)).toMatchObject({ contentType: 'interactive', text: 'Sent' });
    const interactive = (whatsapp(event) as { interactive: { responseJson: string } }).interactive;
    expect(interactive).toMatchObject({ type: 'nfm_reply', name: 'flow', body: 'Sent' });
    expect(JSON.parse(interactive.responseJson)).toEqual({
      flow_token: 'csat-2026-06-05-7f3a',
      rating: '5',
      comment: 'Fast and friendly',
    });
  });

  it('button (template quick reply): text and payload, with the template message as context', () => {
    const event = received('message-button.json');
    expect(props(event)).toMatchObject({ contentType: 'button', text: 'Confirmar cita' });
    expect(whatsapp(event)).toMatchObject({
      button: { payload: 'CONFIRM_APPOINTMENT', text: 'Confirmar cita' },
      context: { messageId: expect.stringMatching(/^wamid\./) },
    });
  });

  it('reaction: the reacted message and the emoji', () => {
    const event = received('message-reaction.json');
    expect(props(event)).toMatchObject({ contentType: 'reaction', hasMedia: false });
    expect(whatsapp(event)).toMatchObject({
      reaction: { messageId: expect.stringMatching(/^wamid\./), emoji: '👍', removed: false },
    });
  });

  it('reaction removed: Meta omits the emoji; the event says so', () => {
    const added = received('message-reaction.json');
    const removed = received('message-reaction-removed.json');
    expect(whatsapp(removed)).toMatchObject({ reaction: { emoji: null, removed: true } });
    const reactedTo = (event: NewEvent) =>
      (whatsapp(event) as { reaction: { messageId: string } }).reaction.messageId;
    expect(reactedTo(removed)).toBe(reactedTo(added));
    expect(removed.idempotencyKey).not.toBe(added.idempotencyKey);
  });

  it('order: catalog, items with numeric quantity and price, and the note as text', () => {
    const event = received('message-order.json');
    expect(props(event)).toMatchObject({ contentType: 'order', text: 'Lo quiero para el viernes' });
    expect(whatsapp(event)).toMatchObject({
      order: {
        catalogId: '194836987003835',
        productItems: [
          { productRetailerId: 'SKU-RUN-42', quantity: 1, itemPrice: 89.99, currency: 'EUR' },
          { productRetailerId: 'SKU-SOCK-M', quantity: 3, itemPrice: 7.5, currency: 'EUR' },
        ],
      },
    });
  });

  it('unsupported: stored as a message with Meta’s message-level errors', () => {
    const event = received('message-unsupported.json');
    expect(props(event)).toMatchObject({ contentType: 'unsupported', hasMedia: false });
    expect(whatsapp(event)).toMatchObject({
      unsupported: { type: 'poll_creation' },
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          message: 'Message type unknown',
          details: 'Message type is currently not supported.',
        },
      ],
    });
  });

  it('accented text and emoji sent as \\u escapes arrive decoded', () => {
    const event = received('message-text-unicode-escaped.json');
    expect(props(event)).toMatchObject({
      text: '¡Hola! ¿Tienen envío a São Paulo? Gracias 😊📦 https://tienda.example/pedido/123',
      profileName: 'José María Núñez',
    });
    expect(event.subjects.contactId).toBe('+34699887766');
  });

  it('a user whose number is hidden is keyed by the business-scoped user id, with the username kept', () => {
    const result = map('message-bsuid-hidden-number.json');
    const event = received('message-bsuid-hidden-number.json');
    expect(event.subjects.contactId).toBe('BR.1502576394655843');
    expect(event.actor).toEqual({ type: 'customer', id: 'BR.1502576394655843' });
    expect(props(event)).toMatchObject({ profileName: 'Ana Souza', text: 'Oi! Vocês entregam em Campinas?' });
    expect(whatsapp(event)).toEqual({
      contact: { userId: 'BR.1502576394655843', username: '@ana.souza', countryCode: 'BR' },
    });
    expect(props(only(result, 'contact.updated'))).toMatchObject({
      name: 'Ana Souza',
      username: '@ana.souza',
      userId: 'BR.1502576394655843',
    });
  });
});

describe('system message: user changed number', () => {
  it('keeps the same contact: a contact.updated naming the previous and new ids, and no message.received', () => {
    const result = map('message-system-user-changed-number.json');
    expect(result.rejected).toEqual([]);
    expect(result.events.map((event) => event.type)).toEqual(['contact.updated']);
    const [event] = result.events as [NewEvent];
    expect(event.idempotencyKey).toMatch(/^contact\.updated:wamid\./);
    expect(event.eventTime).toBe(1780651020 * 1000);
    expect(event.subjects).toEqual({ contactId: '+525512345678', conversationId: null, messageId: null });
    expect(props(event)).toMatchObject({
      change: 'user_changed_number',
      previousContactId: '+525512345678',
      newContactId: '+525598765432',
      previousWaId: '5215512345678',
      newWaId: '5215598765432',
    });
  });

  it('reads the pre-v12 shape (customer_changed_number, new_wa_id) and BSUID-only changes', () => {
    const system = (body: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      mapWhatsAppNotification(
        {
          object: 'whatsapp_business_account',
          entry: [
            {
              id: '1',
              changes: [
                {
                  field: 'messages',
                  value: {
                    metadata: { phone_number_id: PHONE_NUMBER_ID },
                    messages: [
                      { id: 'wamid.SYS', timestamp: '1780651020', type: 'system', system: body, ...extra },
                    ],
                  },
                },
              ],
            },
          ],
        },
        { channel: 'x', receivedAt: RECEIVED_AT, newEventId: () => 'evt' },
      );
    const legacy = system(
      { type: 'customer_changed_number', new_wa_id: '5215598765432' },
      { from: '5215512345678' },
    );
    expect(legacy.events[0]?.payload.properties).toMatchObject({ newContactId: '+525598765432' });

    const bsuid = system(
      { type: 'user_changed_user_id', user_id: 'MX.222', previous_user_id: 'MX.111' },
      { from_user_id: 'MX.111' },
    );
    expect(bsuid.events[0]?.subjects.contactId).toBe('MX.111');
    expect(bsuid.events[0]?.payload.properties).toMatchObject({
      change: 'user_changed_user_id',
      previousContactId: 'MX.111',
      newContactId: 'MX.222',
    });

    const noNewId = system({ type: 'user_changed_number' }, { from: '5215512345678' });
    expect(noNewId.events).toEqual([]);
    expect(noNewId.rejected).toMatchObject([{ code: 'whatsapp_invalid_message' }]);
  });
});

describe('statuses', () => {
  const status = (name: string, type: string) => {
    const result = map(name);
    expect(result.rejected).toEqual([]);
    const event = only(result, type);
    expect(event).toMatchObject({
      source: 'whatsapp',
      channel: PHONE_NUMBER_ID,
      receivedAt: RECEIVED_AT,
      actor: { type: 'system', id: 'whatsapp' },
      idempotencyKey: `status:${type.slice('message.'.length)}:${event.subjects.messageId}`,
      payload: { properties: { messageId: event.subjects.messageId, direction: 'outbound' } },
    });
    return event;
  };

  it('sent: pricing {billable, model, category, type} and conversation {id, originType, expiresAt}', () => {
    const event = status('status-sent.json', 'message.sent');
    expect(event.eventTime).toBe(1780651200 * 1000);
    expect(event.subjects.contactId).toBe('+525512345678');
    expect(props(event)).toMatchObject({
      status: 'sent',
      recipientId: '5215512345678',
      statusAt: 1780651200 * 1000,
      sentAt: 1780651200 * 1000,
      pricing: { billable: true, model: 'PMP', category: 'utility', type: 'regular' },
      conversation: {
        id: 'f5fdae3920125a39a1e6a23e5f877c16',
        originType: 'utility',
        expiresAt: 1780737600 * 1000,
      },
    });
  });

  it('delivered: deliveredAt and free customer-service pricing', () => {
    const event = status('status-delivered.json', 'message.delivered');
    expect(props(event)).toMatchObject({
      deliveredAt: 1780651203 * 1000,
      pricing: { billable: false, model: 'PMP', category: 'service', type: 'free_customer_service' },
    });
    expect(props(event)).not.toHaveProperty('conversation');
  });

  it('read: readAt, and the recipient BSUID and profile name from contacts[]', () => {
    const event = status('status-read.json', 'message.read');
    expect(props(event)).toMatchObject({ readAt: 1780651260 * 1000 });
    expect(whatsapp(event)).toMatchObject({
      recipientUserId: 'MX.8127364512093487',
      profileName: 'María López',
    });
  });

  it('failed: the error (code, title, message, details, href) as error and in errors', () => {
    const event = status('status-failed.json', 'message.failed');
    const error = {
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      details: expect.stringContaining('more than 24 hours'),
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    };
    expect(props(event)).toMatchObject({ failedAt: 1780651320 * 1000, error, errors: [error] });
    expect(event.subjects.contactId).toBe('+34612345678');
  });

  it('played: the first play of a voice message', () => {
    const event = status('status-played.json', 'message.played');
    expect(props(event)).toMatchObject({ status: 'played', playedAt: 1780651380 * 1000 });
    expect(event.subjects.contactId).toBe('+5511987654321');
  });

  it('a status sent to a hidden number is keyed by recipient_user_id', () => {
    const result = mapWhatsAppNotification(
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: PHONE_NUMBER_ID },
                  statuses: [
                    { id: 'wamid.X', status: 'delivered', timestamp: '1', recipient_user_id: 'CO.991' },
                  ],
                },
              },
            ],
          },
        ],
      },
      { channel: 'x', receivedAt: RECEIVED_AT, newEventId: () => 'evt' },
    );
    expect(result.events[0]?.subjects.contactId).toBe('CO.991');
    expect(result.events[0]?.payload.properties).not.toHaveProperty('recipientId');
  });
});

describe('value-level errors', () => {
  it('become whatsapp_error rejections with Meta’s code and text, not exceptions or events', () => {
    const result = map('value-error.json');
    expect(result.events).toEqual([]);
    expect(result.rejected).toEqual([
      {
        path: 'entry[0].changes[0].value.errors[0]',
        code: 'whatsapp_error',
        message:
          'WhatsApp reported error 130429: Rate limit hit — Cloud API message throughput has been reached.',
        raw: expect.objectContaining({ code: 130429 }),
      },
    ]);
  });
});

describe('channel', () => {
  it('falls back to the channel of the webhook URL when the change has no metadata', () => {
    const result = mapWhatsAppNotification(
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              { field: 'messages', value: { statuses: [{ id: 'wamid.Y', status: 'sent', timestamp: '1' }] } },
            ],
          },
        ],
      },
      { channel: 'channel-from-url', receivedAt: RECEIVED_AT, newEventId: () => 'evt' },
    );
    expect(result.events[0]?.channel).toBe('channel-from-url');
    expect(result.events[0]?.subjects.contactId).toBeNull();
  });
});
