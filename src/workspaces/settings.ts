/**
 * Workspace settings, stored as JSON on the workspace row. Unknown keys are kept; missing ones take
 * the defaults of DESIGN.md.
 */
import type { BusinessCalendarSpec } from '../domain/calendar/index.js';
import { DEFAULT_CONVERSATION_SETTINGS, type ConversationSettings } from '../domain/conversation/index.js';

export interface WorkspaceSettings {
  /** Reopen window in hours (default 48). */
  reopenWindowHours?: number;
  /** Inactivity auto-resolve after this many minutes; absent or null: off. */
  autoResolveAfterMinutes?: number | null;
  /** The workspace's IANA time zone (default UTC). */
  timeZone?: string;
  /** The business-hours calendar of `businessHours=true` metrics (src/domain/calendar/calendar-spec.ts); null: none. */
  businessHours?: BusinessCalendarSpec | null;
  /** Prices of WhatsApp messages per pricing category (and country), for the cost metrics; null: none. */
  rateCard?: RateCard | null;
  /** Template ids whose messages ask for a CSAT rating (the CSAT response rate's denominator). */
  csatSurveyTemplates?: string[];
}

/**
 * What a billable WhatsApp message costs, by the pricing `category` its status reports (`marketing`,
 * `utility`, `authentication`, `service`, ...). A rate with a `country` (ISO 3166 alpha-2 of the contact's
 * number) beats the category's rate without one.
 */
export interface RateCard {
  /** ISO 4217 code every price is in. */
  currency: string;
  rates: { category: string; country?: string; price: number }[];
}

export function parseWorkspaceSettings(json: string): WorkspaceSettings {
  try {
    const value = JSON.parse(json) as unknown;
    return value !== null && typeof value === 'object' ? (value as WorkspaceSettings) : {};
  } catch {
    return {};
  }
}

export function conversationSettingsOf(settings: WorkspaceSettings): ConversationSettings {
  return {
    reopenWindowMs:
      typeof settings.reopenWindowHours === 'number'
        ? settings.reopenWindowHours * 3600_000
        : DEFAULT_CONVERSATION_SETTINGS.reopenWindowMs,
    autoResolveAfterMs:
      typeof settings.autoResolveAfterMinutes === 'number'
        ? settings.autoResolveAfterMinutes * 60_000
        : DEFAULT_CONVERSATION_SETTINGS.autoResolveAfterMs,
    csatSurveyTemplates: Array.isArray(settings.csatSurveyTemplates) ? settings.csatSurveyTemplates : [],
  };
}
