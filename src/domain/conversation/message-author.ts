import type { ThreadEvent } from './conversation-state.js';
import { readString } from './event-properties.js';
import { parseServiceMode } from './vocabulary.js';

/**
 * Who wrote a message, as the KPIs need it. `automated` covers campaign and system template messages:
 * they count as sent, but are never a reply to a customer turn (DESIGN.md "Counting rules").
 */
export type MessageAuthor =
  { kind: 'customer' } | { kind: 'agent'; id: string } | { kind: 'bot'; id: string } | { kind: 'automated' };

/** The author of a `message.received` or `message.sent`; `null` for any other event. */
export function messageAuthorOf(
  event: Pick<ThreadEvent, 'type' | 'actor' | 'payload'>,
): MessageAuthor | null {
  if (event.type === 'message.received') return { kind: 'customer' };
  if (event.type !== 'message.sent') return null;
  const props = event.payload.properties;
  if (readString(props, 'campaignId') !== null) return { kind: 'automated' };
  const agentId = readString(props, 'agentId');
  const actorId = event.actor.id;
  switch (event.actor.type) {
    case 'agent':
      return { kind: 'agent', id: actorId ?? agentId ?? 'unknown-agent' };
    case 'bot':
      return { kind: 'bot', id: actorId ?? agentId ?? 'bot' };
    case 'system':
    case 'integration':
      // An integration (a BSP, a CRM) relays agents' and bots' messages: the properties say which.
      if (parseServiceMode(props['serviceMode']) === 'bot')
        return { kind: 'bot', id: agentId ?? actorId ?? 'bot' };
      if (agentId !== null) return { kind: 'agent', id: agentId };
      return { kind: 'automated' };
    case 'customer':
      return { kind: 'automated' };
  }
}

/** An outbound template, which may open a conversation (a business-initiated one). */
export const isTemplateMessage = (event: Pick<ThreadEvent, 'type' | 'payload'>): boolean =>
  event.type === 'message.sent' && readString(event.payload.properties, 'templateId') !== null;
