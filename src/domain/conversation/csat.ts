import type { JsonObject } from '../events.js';
import { parseCsatReply } from '../kpi/csat.js';
import type { ThreadEvent } from './conversation-state.js';
import { readObject, readString } from './event-properties.js';
import type { ConversationSettings } from './settings.js';

/**
 * CSAT ratings on the 1-5 scale DESIGN.md counts (4-5 are positive). A rating on another scale `n`
 * (1..n: thumbs are 2, stars 5, 1..10 is 10) is mapped linearly onto 1..5 and clamped, so a 9 of 10 is
 * 4.56 and counts as positive, a 7 of 10 is 3.67 and does not.
 */
export function csatScore(rating: number, scale: number): number | null {
  if (!Number.isFinite(rating) || !Number.isFinite(scale) || scale < 2) return null;
  const clamped = Math.min(Math.max(rating, 1), scale);
  return scale === 5 ? clamped : 1 + ((clamped - 1) * 4) / (scale - 1);
}

export const isPositiveCsat = (score: number): boolean => score >= 4;

/** An outbound message asking for a rating: flagged by its source, or sent from a CSAT survey template. */
export function isCsatSurvey(
  event: Pick<ThreadEvent, 'type' | 'payload'>,
  settings: Pick<ConversationSettings, 'csatSurveyTemplates'>,
): boolean {
  if (event.type !== 'message.sent') return false;
  const props = event.payload.properties;
  if (props['csatSurvey'] === true || props['survey'] === 'csat') return true;
  const template = readString(props, 'templateId');
  return template !== null && (settings.csatSurveyTemplates ?? []).includes(template);
}

/** A quick-reply payload or list id naming a rating: `csat_4`, `rating:5`, `CSAT-1`. */
const RATING_PAYLOAD = /^(?:csat|rating|score)[\s:_-]*([1-5])$/i;

/**
 * The 1-5 rating a customer's WhatsApp message gives, when the whole message is one (src/domain/kpi/csat.ts
 * `parseCsatReply`: a digit, stars, a face or a thumb), read from its text, a tapped button (payload or
 * text) or an interactive reply (id or title); null otherwise.
 */
export function csatReplyScore(properties: JsonObject): number | null {
  const button = readObject(properties, 'button') ?? {};
  const interactive = readObject(properties, 'interactive') ?? {};
  const texts = [
    readString(properties, 'text'),
    readString(button, 'text'),
    readString(interactive, 'title'),
    readString(button, 'payload'),
    readString(interactive, 'id'),
  ];
  for (const text of texts) {
    if (text === null) continue;
    const score = parseCsatReply(text) ?? Number(RATING_PAYLOAD.exec(text)?.[1] ?? Number.NaN);
    if (Number.isInteger(score)) return score;
  }
  return null;
}
