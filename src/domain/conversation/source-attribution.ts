import type { JsonObject } from '../events.js';
import type { SourceAttribution } from './conversation-state.js';
import { readObject, readString } from './event-properties.js';
import { SOURCE_KINDS } from './vocabulary.js';

/**
 * The source of a conversation from an inbound message's or a contact's properties: `source`, the UTM
 * fields (camelCase or snake_case), a Cloud API `referral` (click-to-WhatsApp ad: source_id, source_url,
 * headline, ctwa_clid; https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#referral-object)
 * or a flat `ctwaClid`, and Segment's `context.campaign`. `null` when none of them is present.
 */
export function attributionFrom(
  properties: JsonObject,
  context: JsonObject,
  origin: SourceAttribution['origin'],
): SourceAttribution | null {
  const referral = readObject(properties, 'referral') ?? {};
  const campaign = readObject(context, 'campaign') ?? {};
  const ctwaClid =
    readString(properties, 'ctwaClid', 'ctwa_clid') ?? readString(referral, 'ctwa_clid', 'ctwaClid');
  const adId = readString(referral, 'source_id', 'sourceId');
  const attribution: SourceAttribution = {
    origin,
    kind: sourceKind(readString(properties, 'source')),
    utmSource: readString(properties, 'utmSource', 'utm_source') ?? readString(campaign, 'source'),
    utmMedium: readString(properties, 'utmMedium', 'utm_medium') ?? readString(campaign, 'medium'),
    utmCampaign: readString(properties, 'utmCampaign', 'utm_campaign') ?? readString(campaign, 'name'),
    utmContent: readString(properties, 'utmContent', 'utm_content') ?? readString(campaign, 'content'),
    utmTerm: readString(properties, 'utmTerm', 'utm_term') ?? readString(campaign, 'term'),
    ctwaClid,
    adId,
    adUrl: readString(referral, 'source_url', 'sourceUrl'),
    adHeadline: readString(referral, 'headline'),
    campaignId: readString(properties, 'campaignId'),
  };
  const { origin: _origin, ...values } = attribution;
  if (Object.values(values).every((value) => value === null)) return null;
  // A click-to-WhatsApp referral is an ad click even when the source does not say so.
  if (attribution.kind === null && (ctwaClid !== null || adId !== null)) attribution.kind = 'ad';
  return attribution;
}

/** A known kind in its canonical spelling (`QR` -> `qr`); another word is kept as the source sent it. */
function sourceKind(value: string | null): string | null {
  const lower = value?.toLowerCase() ?? null;
  return lower !== null && (SOURCE_KINDS as readonly string[]).includes(lower) ? lower : value;
}

/** The source of a conversation a campaign template opened. */
export function attributionFromTemplate(properties: JsonObject): SourceAttribution | null {
  const campaignId = readString(properties, 'campaignId');
  if (campaignId === null) return null;
  return {
    origin: 'template',
    kind: 'campaign',
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmContent: null,
    utmTerm: null,
    ctwaClid: null,
    adId: null,
    adUrl: null,
    adHeadline: null,
    campaignId,
  };
}
