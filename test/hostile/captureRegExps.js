/**
 * Preload for the regular-expression inventory: replaces the global RegExp constructor with a
 * recording proxy, so that every `new RegExp(...)` evaluated while the engine's modules load
 * (the patterns assembled from word lists) is seen with its final source and flags, and with
 * the engine file and line that built it. Literals do not pass through the constructor; the
 * inventory finds those in the syntax tree.
 *
 *   node --require tsx/cjs --require test/hostile/captureRegExps.js -e "require(...)"
 *
 * `globalThis.__capturedRegExps` holds { source, flags, file, line } records.
 */
'use strict';
const path = require('node:path');

const ENGINE = path.join(__dirname, '..', '..', 'server', 'src', 'engine') + path.sep;
const NativeRegExp = RegExp;
const captured = [];

function callSite() {
  const stack = new Error().stack ?? '';
  for (const frame of stack.split('\n').slice(1)) {
    const m = /\(?((?:[A-Za-z]:)?[^():]+\.ts):(\d+):(\d+)\)?$/.exec(frame.trim());
    if (m && m[1].startsWith(ENGINE)) return { file: path.relative(ENGINE, m[1]).split(path.sep).join('/'), line: Number(m[2]) };
  }
  return undefined;
}

globalThis.RegExp = new Proxy(NativeRegExp, {
  construct(target, args, newTarget) {
    const made = Reflect.construct(target, args, newTarget === globalThis.RegExp ? target : newTarget);
    const site = callSite();
    if (site) captured.push({ source: made.source, flags: made.flags, ...site });
    return made;
  },
  apply(target, thisArg, args) {
    const made = Reflect.apply(target, thisArg, args);
    const site = callSite();
    if (site) captured.push({ source: made.source, flags: made.flags, ...site });
    return made;
  },
});
globalThis.__capturedRegExps = captured;
