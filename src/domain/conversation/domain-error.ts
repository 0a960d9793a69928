import type { JsonObject } from '../events.js';

/**
 * Why a command does not apply, with a stable code the HTTP layer maps once (suggested: `not_found` 404,
 * `version_conflict` 409, `conversation_superseded` 409, `already_resolved` 409, any other 422). Codes are part of the public API.
 */
export const DOMAIN_ERROR_CODES = [
  'not_found',
  'version_conflict',
  'conversation_superseded',
  'invalid_status',
  'already_resolved',
  'status_unchanged',
  'invalid_status_transition',
  'invalid_snooze',
  'invalid_assignment',
  'assignment_unchanged',
  'invalid_tag',
  'tag_already_present',
  'tag_not_present',
  'invalid_priority',
  'priority_unchanged',
  'invalid_type',
  'type_unchanged',
  'invalid_note',
  'invalid_watcher',
  'watcher_already_present',
  'watcher_not_present',
  'invalid_deal',
  'invalid_next_action',
  'no_next_action',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export interface DomainError {
  code: DomainErrorCode;
  message: string;
  details?: JsonObject;
}

export const domainError = (code: DomainErrorCode, message: string, details?: JsonObject): DomainError =>
  details === undefined ? { code, message } : { code, message, details };
