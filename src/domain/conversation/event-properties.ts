import type { Json, JsonObject } from '../events.js';

/**
 * Tolerant readers of event properties. Ingest adapters validate events by type, but the engine must not
 * crash on a property that is absent, null or sent in another JSON type: a value that does not fit reads as
 * `null` and the event changes nothing it cannot read.
 */

/** The first of `keys` holding a non-empty string (trimmed), or a finite number as a string (ids often are). */
export function readString(props: JsonObject, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = props[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}

/** A finite number, also from a numeric string (`"12.50"`). */
export function readNumber(props: JsonObject, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = props[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      return Number(value);
  }
  return null;
}

/** A moment as epoch milliseconds, or as an ISO 8601 string with a time zone (what drafts write). */
export function readTime(props: JsonObject, key: string): number | null {
  return timeOf(props[key]);
}

export function timeOf(value: Json | undefined): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

export function readObject(props: JsonObject, key: string): JsonObject | null {
  const value = props[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

/** Whether `key` is present at all: `{agentId: null}` (unassign) differs from no `agentId` (keep). */
export const hasProperty = (props: JsonObject, key: string): boolean => Object.hasOwn(props, key);

/** Epoch milliseconds as the ISO string drafts carry in their properties. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();
