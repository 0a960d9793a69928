/**
 * Workspace settings, stored as JSON on the workspace row. Unknown keys are kept; missing ones take
 * the defaults of DESIGN.md.
 */
import { DEFAULT_CONVERSATION_SETTINGS, type ConversationSettings } from '../domain/conversation/index.js';

export interface WorkspaceSettings {
  /** Reopen window in hours (default 48). */
  reopenWindowHours?: number;
  /** Inactivity auto-resolve after this many minutes; absent or null: off. */
  autoResolveAfterMinutes?: number | null;
  /** The workspace's IANA time zone (default UTC). */
  timeZone?: string;
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
  };
}
