/**
 * Reading a parsed webhook body safely. Meta's payload arrives as `unknown` (it is untrusted input); these
 * helpers narrow one field at a time so a missing or mistyped field becomes `undefined`, never an exception.
 */
import type { Json, JsonObject } from '../../domain/events.js';

export type RawObject = Record<string, unknown>;

export const isRecord = (value: unknown): value is RawObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-empty string, else undefined (Meta never sends meaningful empty identifiers). */
export const readString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** A string, possibly empty (message bodies and captions may legitimately be empty). */
export const readText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

export const readBoolean = (value: unknown): boolean | undefined =>
  typeof value === 'boolean' ? value : undefined;

/** A finite number, or a string holding one: Meta documents some numbers (coordinates, prices) both ways. */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/**
 * A Unix time in seconds as Meta sends it (a string of digits such as `"1749416383"`, sometimes a number),
 * converted to epoch milliseconds. Anything else is undefined: a fractional or negative time is not Meta's.
 */
export function readUnixSecondsAsMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value === 'string' && /^\d{1,12}$/.test(value)) return Number(value) * 1000;
  return undefined;
}

/** The array's object members, or undefined when the value is not an array. Non-objects are dropped. */
export const readRecords = (value: unknown): RawObject[] | undefined =>
  Array.isArray(value) ? value.filter(isRecord) : undefined;

/** Copies parsed JSON into the `Json` type, dropping what JSON cannot hold (undefined, functions, NaN). */
export function toJson(value: unknown): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (isRecord(value)) {
    const out: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined && typeof member !== 'function') out[key] = toJson(member);
    }
    return out;
  }
  return null;
}

const camelCase = (key: string) => key.replace(/_([a-z0-9])/g, (_match, char: string) => char.toUpperCase());

/** `toJson` with every object key turned from Meta's snake_case into chatledger's camelCase. */
export function camelizeKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  if (isRecord(value)) {
    const out: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined && typeof member !== 'function') out[camelCase(key)] = camelizeKeys(member);
    }
    return out;
  }
  return toJson(value);
}

/** Optional properties as written in the mappers: `undefined` members are left out of the stored JSON. */
export type LooseObject = { [key: string]: Json | LooseObject | undefined };

/** Drops `undefined` members (recursively in nested plain objects) so stored payloads stay compact. */
export function compact(object: LooseObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, member] of Object.entries(object)) {
    if (member === undefined) continue;
    out[key] = isRecord(member) ? compact(member as LooseObject) : (member as Json);
  }
  return out;
}

/** `compact`, or undefined when nothing is left, so an absent WhatsApp object does not become `{}`. */
export function compactOrOmit(object: LooseObject): JsonObject | undefined {
  const out = compact(object);
  return Object.keys(out).length > 0 ? out : undefined;
}
