/**
 * Small edits to the text of a JSON settings file that keep everything else as it was —
 * indentation, key order, line ends — so that a quick fix shows up in review as the one
 * line it adds, not as a re-serialised file.
 */

/** Replace `length` characters at `offset` by `text`. */
export interface JsonTextEdit {
  offset: number;
  length: number;
  text: string;
}

export type AddToListResult =
  | { kind: 'edit'; edit: JsonTextEdit }
  /** The list already holds an equal value: nothing to do. */
  | { kind: 'exists' }
  /** Not valid JSON, not an object at the top, or the key holds something else than a list. */
  | { kind: 'invalid'; reason: string };

interface Span {
  start: number;
  end: number;
}

interface Member {
  key: string;
  keySpan: Span;
  value: Span;
}

/** The complete text of a new settings file holding `{ key: [value] }`. */
export function newFileWithList(key: string, value: unknown, eol = '\n'): string {
  return `{${eol}  ${JSON.stringify(key)}: [${eol}    ${inlineJson(value)}${eol}  ]${eol}}${eol}`;
}

/**
 * Adds `value` to the list at top-level `key` of `text` (creating the key when missing), as
 * one edit that inserts text and removes nothing.
 */
export function addToTopLevelList(text: string, key: string, value: unknown): AddToListResult {
  if (text.trim().length === 0) return { kind: 'edit', edit: { offset: 0, length: text.length, text: newFileWithList(key, value, eolOf(text)) } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', reason: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { kind: 'invalid', reason: 'the top level is not an object' };
  const current = (parsed as Record<string, unknown>)[key];
  if (current !== undefined && !Array.isArray(current)) return { kind: 'invalid', reason: `"${key}" is not a list` };
  if (Array.isArray(current) && current.some((v) => deepEqual(v, value))) return { kind: 'exists' };

  const scanner = new Scanner(text);
  const root = scanner.readRoot();
  const eol = eolOf(text);
  const serialized = inlineJson(value);
  const member = root.members.filter((m) => m.key === key).pop(); // JSON.parse keeps the last duplicate
  if (member) {
    const list = scanner.readArray(member.value.start);
    if (list.elements.length === 0) return { kind: 'edit', edit: { offset: list.open + 1, length: list.close - list.open - 1, text: serialized } };
    const last = list.elements[list.elements.length - 1];
    const multiline = text.slice(list.open + 1, list.elements[0].start).includes('\n');
    const insert = multiline ? `,${eol}${indentationAt(text, last.start)}${serialized}` : `, ${serialized}`;
    return { kind: 'edit', edit: { offset: last.end, length: 0, text: insert } };
  }
  const entry = `${JSON.stringify(key)}: [${serialized}]`;
  if (root.members.length === 0) {
    return { kind: 'edit', edit: { offset: root.open + 1, length: root.close - root.open - 1, text: `${eol}  ${entry}${eol}` } };
  }
  const lastMember = root.members[root.members.length - 1];
  const multiline = text.slice(root.open + 1, root.members[0].keySpan.start).includes('\n');
  const insert = multiline ? `,${eol}${indentationAt(text, lastMember.keySpan.start)}${entry}` : `, ${entry}`;
  return { kind: 'edit', edit: { offset: lastMember.value.end, length: 0, text: insert } };
}

/** Applies edits (non-overlapping) to a text. */
export function applyJsonEdits(text: string, edits: readonly JsonTextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}

/** A value on one line, with a space after ':' and ',' as people write it: `{ "rule": "scanner", "source": "10.0.0.1" }`. */
export function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The spaces and tabs that start the line holding `offset`. */
function indentationAt(text: string, offset: number): string {
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  let end = lineStart;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(lineStart, end);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Offsets of the structure of a text JSON.parse accepted (so it can trust the grammar). */
class Scanner {
  constructor(private readonly text: string) {}

  readRoot(): { open: number; close: number; members: Member[] } {
    const open = this.skipSpace(0);
    const members: Member[] = [];
    let p = this.skipSpace(open + 1);
    while (this.text[p] !== '}') {
      const keyEnd = this.skipString(p);
      const key = JSON.parse(this.text.slice(p, keyEnd)) as string;
      const colon = this.skipSpace(keyEnd);
      const valueStart = this.skipSpace(colon + 1);
      const valueEnd = this.skipValue(valueStart);
      members.push({ key, keySpan: { start: p, end: keyEnd }, value: { start: valueStart, end: valueEnd } });
      p = this.skipSpace(valueEnd);
      if (this.text[p] === ',') p = this.skipSpace(p + 1);
    }
    return { open, close: p, members };
  }

  readArray(open: number): { open: number; close: number; elements: Span[] } {
    const elements: Span[] = [];
    let p = this.skipSpace(open + 1);
    while (this.text[p] !== ']') {
      const end = this.skipValue(p);
      elements.push({ start: p, end });
      p = this.skipSpace(end);
      if (this.text[p] === ',') p = this.skipSpace(p + 1);
    }
    return { open, close: p, elements };
  }

  private skipSpace(p: number): number {
    const t = this.text;
    while (p < t.length && (t[p] === ' ' || t[p] === '\t' || t[p] === '\n' || t[p] === '\r' || t[p] === '\ufeff')) p++;
    return p;
  }

  private skipString(p: number): number {
    const t = this.text;
    for (let i = p + 1; i < t.length; i++) {
      if (t[i] === '\\') i++;
      else if (t[i] === '"') return i + 1;
    }
    return t.length;
  }

  private skipValue(p: number): number {
    const t = this.text;
    const c = t[p];
    if (c === '"') return this.skipString(p);
    if (c === '{' || c === '[') {
      let depth = 0;
      for (let i = p; i < t.length; i++) {
        const d = t[i];
        if (d === '"') i = this.skipString(i) - 1;
        else if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) return i + 1;
        }
      }
      return t.length;
    }
    let i = p;
    while (i < t.length && !' \t\r\n,}]'.includes(t[i])) i++;
    return i;
  }
}
