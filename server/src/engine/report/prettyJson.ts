/**
 * JSON text indented by two spaces, laid out the way DESIGN.md shows the contract:
 *
 * - an array of numbers, strings, booleans and nulls stays on one line
 *   (`"lines": [5, 6, 7]`), however long: a finding with a thousand evidence lines stays
 *   one line, and diffs stay small;
 * - an object or array whose members all fit on one line, and whose one-line form is at
 *   most `INLINE_WIDTH` characters, is written on one line
 *   (`"evidence": { "failures": 6, "windowSeconds": 130 }`);
 * - everything else opens one member per line.
 *
 * That keeps SARIF's deeply nested locations readable and ~40% smaller than
 * `JSON.stringify(value, null, 2)`. Key order is the objects' own order, so writers build
 * their objects in the order they want printed. `undefined` members are left out and
 * non-finite numbers become `null`, both as `JSON.stringify` does.
 *
 * Strings are escaped as `JSON.stringify` does (C0 controls as `\u00XX`), and further DEL,
 * the C1 controls, U+2028/U+2029 and the bidi controls are written as `\uXXXX` too: the
 * value is the same once parsed, but the text itself is safe to `cat` on a terminal and
 * cannot be displayed reordered (log text inside is attacker-controlled).
 */
export function prettyJson(value: unknown): string {
  const out: Output = { text: '', write: undefined };
  // The document itself always opens, even when small: one top-level member per line.
  emit(value, '', out, true);
  return out.text;
}

/**
 * The same text, handed to `write` in pieces of about WRITE_CHUNK characters as it is made:
 * a big report never exists as one string (nor as the rope of small pieces that makes it,
 * which takes several times the text's size).
 */
export function writePrettyJson(value: unknown, write: (chunk: string) => void): void {
  const out: Output = { text: '', write };
  emit(value, '', out, true);
  if (out.text.length > 0) write(out.text);
}

/** Characters gathered before a piece is handed to the writer. */
const WRITE_CHUNK = 64 * 1024;

/**
 * The text written so far (appending to one string is cheapest in V8: a rope, flattened
 * once), and where it goes once big enough, if anywhere.
 */
interface Output {
  text: string;
  write: ((chunk: string) => void) | undefined;
}

function flushSome(out: Output): void {
  if (out.write !== undefined && out.text.length >= WRITE_CHUNK) {
    out.write(out.text);
    out.text = '';
  }
}

/** Longest one-line form (without its indentation) of an object or array written inline. */
const INLINE_WIDTH = 100;

/**
 * Appends `value` as it appears after a key at indentation `indent`. Everything is appended
 * to one string: building a string per subtree and joining those would copy the deep
 * parts of a big SARIF log once per level.
 */
function emit(value: unknown, indent: string, out: Output, expand = false): void {
  if (value === null || typeof value !== 'object') {
    out.text += scalar(value);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.text += '[]';
      return;
    }
    if (isScalarList(value)) {
      emitScalarList(value, out);
      return;
    }
  }
  if (!expand) {
    const inline = tryInline(value, INLINE_WIDTH);
    if (inline !== null) {
      out.text += inline;
      return;
    }
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    out.text += '[\n';
    for (let i = 0; i < value.length; i++) {
      out.text += inner;
      emit(value[i], inner, out);
      out.text += i + 1 < value.length ? ',\n' : '\n';
      flushSome(out);
    }
    out.text += indent + ']';
    return;
  }
  const keys = membersOf(value as Record<string, unknown>);
  if (keys.length === 0) {
    out.text += '{}';
    return;
  }
  out.text += '{\n';
  for (let i = 0; i < keys.length; i++) {
    out.text += inner + scalar(keys[i]) + ': ';
    emit((value as Record<string, unknown>)[keys[i]], inner, out);
    out.text += i + 1 < keys.length ? ',\n' : '\n';
    flushSome(out);
  }
  out.text += indent + '}';
}

/** Own keys whose values JSON writes (not undefined, functions or symbols). */
function membersOf(object: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const v = object[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    keys.push(key);
  }
  return keys;
}

function isScalarList(list: unknown[]): boolean {
  for (const item of list) if (item !== null && typeof item === 'object') return false;
  return true;
}

function emitScalarList(list: unknown[], out: Output): void {
  // Evidence lines are long lists of whole numbers: join writes them as String() does, in
  // one flat string (not thousands of small pieces).
  if (isFiniteNumberList(list)) {
    out.text += '[' + list.join(', ') + ']';
    return;
  }
  let line = '[';
  for (let i = 0; i < list.length; i++) line += (i > 0 ? ', ' : '') + scalar(list[i]);
  out.text += line + ']';
}

function isFiniteNumberList(list: unknown[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return true;
}

/**
 * The one-line form of `value` when it is at most `budget` characters, else null. Gives up
 * as soon as the budget is spent, so trying costs little even on a huge subtree.
 */
function tryInline(value: unknown, budget: number): string | null {
  if (budget <= 0) return null;
  if (value === null || typeof value !== 'object') {
    // A string's JSON form is at least its length plus the quotes: skip escaping a long one.
    if (typeof value === 'string' && value.length + 2 > budget) return null;
    const text = scalar(value);
    return text.length <= budget ? text : null;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let line = '[';
    for (let i = 0; i < value.length; i++) {
      const item = tryInline(value[i] === undefined ? null : value[i], budget - line.length - 1 - (i > 0 ? 2 : 0));
      if (item === null) return null;
      line += (i > 0 ? ', ' : '') + item;
    }
    line += ']';
    return line.length <= budget ? line : null;
  }
  const object = value as Record<string, unknown>;
  const keys = membersOf(object);
  if (keys.length === 0) return '{}';
  let line = '{ ';
  for (let i = 0; i < keys.length; i++) {
    const head = (i > 0 ? ', ' : '') + scalar(keys[i]) + ': ';
    const member = tryInline(object[keys[i]], budget - line.length - head.length - 2);
    if (member === null) return null;
    line += head + member;
  }
  line += ' }';
  return line.length <= budget ? line : null;
}

const INVISIBLE = /[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

function scalar(value: unknown): string {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return INVISIBLE.test(value) ? quoted.replace(INVISIBLE_ALL, escapeUnicode) : quoted;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // null, undefined in an array, functions and symbols: null, as JSON.stringify writes them in arrays.
  return 'null';
}

function escapeUnicode(ch: string): string {
  return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
}
