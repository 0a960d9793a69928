/**
 * The notifications Meta's Cloud API posts to a webhook, for the demo's customers: inbound messages (text,
 * a tap on a reply button, a photo with a caption) and the statuses of the business's messages, shaped as
 * in Meta's webhook reference
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
 * The fake Graph API signs and posts them; chatledger checks them like any notification from Meta.
 */
import { createHash } from 'node:crypto';
import type { Customer } from './customers.js';
import type { Button, DeliveryStatus } from './scenario.js';

/** The demo's business number. The 555 display number is one of the ranges Meta gives test numbers. */
export const DEMO_NUMBER = {
  phoneNumberId: '115792046213842',
  displayPhoneNumber: '15556010199',
  businessAccountId: '102837465019283',
} as const;

export interface InboundMessage {
  id: string;
  /** Epoch ms; Meta sends whole seconds. */
  at: number;
  text: string;
  image?: boolean;
  button?: Button;
  /** The business message this one answers (a button tap always names it). */
  replyTo?: string;
}

export interface StatusItem {
  id: string;
  status: DeliveryStatus;
  /** Epoch ms; Meta sends whole seconds. */
  at: number;
}

const seconds = (at: number) => String(Math.floor(at / 1000));

function notification(value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: DEMO_NUMBER.businessAccountId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: DEMO_NUMBER.displayPhoneNumber,
                phone_number_id: DEMO_NUMBER.phoneNumberId,
              },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** One notification with the customer's messages (Meta batches several when they come close together). */
export function inboundNotification(customer: Customer, messages: readonly InboundMessage[]) {
  return notification({
    contacts: [{ profile: { name: customer.name }, wa_id: customer.waId }],
    messages: messages.map((message) => ({
      from: customer.waId,
      id: message.id,
      timestamp: seconds(message.at),
      ...(message.replyTo ? { context: { from: DEMO_NUMBER.displayPhoneNumber, id: message.replyTo } } : {}),
      ...content(message),
    })),
  });
}

function content(message: InboundMessage) {
  if (message.button) {
    return {
      type: 'interactive',
      interactive: {
        type: 'button_reply',
        button_reply: { id: message.button.id, title: message.button.title },
      },
    };
  }
  if (message.image) {
    const sha256 = createHash('sha256').update(message.id).digest('base64');
    return {
      type: 'image',
      image: { caption: message.text, mime_type: 'image/jpeg', sha256, id: mediaId(message.id) },
    };
  }
  return { type: 'text', text: { body: message.text } };
}

/**
 * Statuses of messages the business sent to the customer, with the pricing Meta reports under per-message
 * pricing: replies inside the customer-service window are free (`service`, `free_customer_service`).
 */
export function statusNotification(customer: Customer, statuses: readonly StatusItem[]) {
  return notification({
    statuses: statuses.map((item) => ({
      id: item.id,
      status: item.status,
      timestamp: seconds(item.at),
      recipient_id: customer.waId,
      ...(item.status === 'read'
        ? {}
        : {
            pricing: {
              billable: false,
              pricing_model: 'PMP',
              category: 'service',
              type: 'free_customer_service',
            },
          }),
    })),
  });
}

/** A message id in Meta's shape (`wamid.` + base64), unique per run and conversation step. */
export function demoWamid(runId: string, label: string): string {
  const digest = createHash('sha256').update(`${runId}:${label}`).digest();
  return `wamid.${Buffer.concat([Buffer.from('HBgLNTU1MDEwMTk5FQIAEhgg'), digest.subarray(0, 16)]).toString('base64')}`;
}

const mediaId = (messageId: string) =>
  String(BigInt(`0x${createHash('sha256').update(messageId).digest('hex').slice(0, 13)}`));
