/**
 * `@handle` mentions in a note, in order of first appearance, each once (compared case-insensitively).
 * A handle is letters, digits, `_`, `.` and `-`, not ending in `.` or `-` (so "ask @ana." mentions `ana`).
 * An `@` inside a word is not a mention, so e-mail addresses (`ana@example.com`) are left alone.
 */
export function parseMentions(text: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const handle = match[1];
    if (handle === undefined) continue;
    const key = handle.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(handle);
  }
  return found;
}

const MENTION = /(?<![\p{L}\p{N}_.@+-])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)/gu;
