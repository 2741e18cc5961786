import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

/** The WebAssembly build of SQLite that sql.js loads. */
export const SQL_WASM_FILE = 'sql-wasm.wasm';

/**
 * Where the wasm is: next to the running bundle (`dist/sql-wasm.wasm`, copied there by
 * esbuild.mjs and shipped in the .vsix), else in node_modules (tests and scripts run from
 * the sources with tsx, where `__dirname` is this source folder).
 */
export function sqlWasmPath(): string {
  const besideBundle = path.join(__dirname, SQL_WASM_FILE);
  if (fs.existsSync(besideBundle)) return besideBundle;
  try {
    return require.resolve(`sql.js/dist/${SQL_WASM_FILE}`);
  } catch {
    throw new Error(`${besideBundle}: missing (the build copies it from node_modules/sql.js/dist); history is unavailable`);
  }
}

let loading: Promise<SqlJsStatic> | undefined;

/** sql.js, initialised once per process. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!loading) {
    const wasm = sqlWasmPath();
    loading = initSqlJs({ locateFile: () => wasm });
    // A failed load may be retried (e.g. after the wasm was restored).
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
