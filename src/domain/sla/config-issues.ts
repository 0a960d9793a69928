/**
 * Collects every problem of a settings document (SLA policies, escalation rules) instead of stopping at the
 * first, each with a stable code and the path of the offending value, the way calendar-spec.ts does.
 */

export interface ConfigIssue<Code extends string> {
  code: Code;
  /** Where in the document, e.g. `policies[1].byPriority.P0.firstResponse`; `` for the whole document. */
  path: string;
  message: string;
}

export type ConfigParseResult<T, Code extends string> =
  { ok: true; value: T } | { ok: false; errors: ConfigIssue<Code>[] };

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const joinPath = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

export class IssueList<Code extends string> {
  readonly issues: ConfigIssue<Code>[] = [];
  constructor(private readonly unknownFieldCode: Code) {}

  add(code: Code, path: string, message: string): void {
    this.issues.push({ code, path, message });
  }

  /** Reports each key of `value` that is not in `allowed` (usually a typo). */
  checkKeys(value: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.add(
          this.unknownFieldCode,
          joinPath(path, key),
          `unknown field "${key}" (expected ${allowed.join(', ')})`,
        );
      }
    }
  }

  get count(): number {
    return this.issues.length;
  }
}
