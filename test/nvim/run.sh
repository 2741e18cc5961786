#!/usr/bin/env bash
# Neovim (Debian's 0.7, vim.lsp.start_client) as a second, independent LSP client:
# starts `node dist/server.js --stdio` on example_logs/auth.log and checks that it gets the
# diagnostics the engine's report implies (one per evidence line, 20 per finding at most).
#
#   test/nvim/run.sh [LOG]        (needs: nvim, node, a built dist/)
set -euo pipefail
cd "$(dirname "$0")/../.."

LOG="${1:-example_logs/auth.log}"
if ! command -v nvim >/dev/null; then
  echo "test/nvim/run.sh: nvim not found (Debian: apt-get install -y neovim)" >&2
  exit 2
fi
[ -f dist/server.js ] && [ -f dist/cli.js ] || node esbuild.mjs

# Expected diagnostics from the CLI's JSON report of the same file: the language server maps
# each finding to its evidence lines, at most 20 per finding and 1000 per document (defaults).
EXPECTED="$(node dist/cli.js analyze --format json "$LOG" | node -e '
  let text = "";
  process.stdin.on("data", (c) => (text += c)).on("end", () => {
    const file = JSON.parse(text).files[0];
    const codes = [];
    for (const f of file.findings) for (let i = 0; i < Math.min(20, f.lines.length) && codes.length < 1000; i++) codes.push(f.rule);
    codes.sort();
    process.stdout.write(JSON.stringify({ count: codes.length, codes }));
  });
')"
echo "expected: $EXPECTED"

# A throw-away HOME: Neovim writes its state and LSP log there, not in the user's.
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
export LW_LOG="$LOG" LW_EXPECTED="$EXPECTED" HOME="$SCRATCH" XDG_STATE_HOME="$SCRATCH/state" XDG_CACHE_HOME="$SCRATCH/cache"
timeout 120 nvim --headless --clean -c 'luafile test/nvim/lsp-check.lua'
