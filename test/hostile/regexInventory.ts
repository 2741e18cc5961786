/**
 * Every regular expression of the engine (server/src/engine/**), found in the syntax tree:
 * regex literals with their source and flags, and `new RegExp(...)` / `RegExp(...)` calls.
 * The calls build their pattern from word lists at load time, so their final source is
 * taken from a child process that loads every engine module under a recording RegExp
 * constructor (captureRegExps.js); each call site of the tree must have been seen there.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const REPO = path.resolve(__dirname, '..', '..');
export const ENGINE_DIR = path.join(REPO, 'server', 'src', 'engine');

export interface EngineRegExp {
  /** Engine file relative to server/src/engine, with forward slashes. */
  file: string;
  /** 1-based line of the literal or of the constructor call. */
  line: number;
  kind: 'literal' | 'constructor';
  source: string;
  flags: string;
  /** `file:line`, and `#n` when one call site builds several patterns. */
  id: string;
}

export interface ConstructorSite {
  file: string;
  /** Lines the call spans (a pattern assembled over several lines). */
  startLine: number;
  endLine: number;
  text: string;
}

function engineFiles(dir = ENGINE_DIR): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...engineFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

function relative(file: string): string {
  return path.relative(ENGINE_DIR, file).split(path.sep).join('/');
}

function isRegExpCallee(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'RegExp';
  // globalThis.RegExp
  return ts.isPropertyAccessExpression(node) && node.name.text === 'RegExp';
}

/** Literals and constructor call sites, from the TypeScript syntax tree of every engine file. */
export function scanEngineSources(): { literals: EngineRegExp[]; sites: ConstructorSite[] } {
  const literals: EngineRegExp[] = [];
  const sites: ConstructorSite[] = [];
  for (const file of engineFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const lineOf = (pos: number) => sourceFile.getLineAndCharacterOfPosition(pos).line + 1;
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const literal = node.text;
        const slash = literal.lastIndexOf('/');
        const line = lineOf(node.getStart(sourceFile));
        literals.push({
          file: relative(file),
          line,
          kind: 'literal',
          source: literal.slice(1, slash),
          flags: literal.slice(slash + 1),
          id: `${relative(file)}:${line}`,
        });
      } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && isRegExpCallee(node.expression)) {
        sites.push({
          file: relative(file),
          startLine: lineOf(node.getStart(sourceFile)),
          endLine: lineOf(node.getEnd()),
          text: node.getText(sourceFile).slice(0, 120),
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return { literals, sites };
}

interface Captured {
  source: string;
  flags: string;
  file: string;
  line: number;
}

/** Loads every engine module in a child process under the recording constructor. */
function captureConstructed(): Captured[] {
  const files = engineFiles();
  const script = `
    for (const f of ${JSON.stringify(files)}) require(f);
    process.stdout.write(JSON.stringify(globalThis.__capturedRegExps));
  `;
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '--require', path.join(__dirname, 'captureRegExps.js'), '-e', script], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Captured[];
}

let cached: { regexps: EngineRegExp[]; unseenSites: ConstructorSite[] } | undefined;

/**
 * Every pattern of the engine. `unseenSites` lists constructor calls that did not run while
 * the modules loaded (a pattern built inside a function): those need a look of their own.
 */
export function engineRegExps(): { regexps: EngineRegExp[]; unseenSites: ConstructorSite[] } {
  if (cached) return cached;
  const { literals, sites } = scanEngineSources();
  const captured = captureConstructed();
  const regexps: EngineRegExp[] = [...literals];
  const unseenSites: ConstructorSite[] = [];
  for (const site of sites) {
    const hits = captured.filter((c) => c.file === site.file && c.line >= site.startLine && c.line <= site.endLine);
    if (hits.length === 0) {
      unseenSites.push(site);
      continue;
    }
    // One site may run more than once with the same result (a module loaded twice): keep distinct patterns.
    const distinct = [...new Map(hits.map((h) => [`${h.flags}/${h.source}`, h])).values()];
    distinct.forEach((h, i) =>
      regexps.push({
        file: site.file,
        line: site.startLine,
        kind: 'constructor',
        source: h.source,
        flags: h.flags,
        id: `${site.file}:${site.startLine}${distinct.length > 1 ? `#${i + 1}` : ''}`,
      }),
    );
  }
  cached = { regexps, unseenSites };
  return cached;
}

/**
 * The top-level alternatives of a pattern (`a|b|c` → a, b, c). A backtracking search of an
 * alternation costs at most the sum of what its alternatives cost searched alone (each
 * start position tries them in turn, and the search stops no later than any of them
 * would), so each can be checked on its own: smaller patterns the checker proves quickly.
 */
export function topLevelAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}
