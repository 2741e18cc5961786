#!/usr/bin/env bash
# Installs code-server (the real VS Code server and web workbench) from the npm registry into a
# cache folder outside the project's node_modules, for the real-VS Code test layers. Idempotent:
# a marker file records the installed version and a second run returns at once.
#
#   scripts/vscode/install-code-server.sh [PREFIX]     (default: .vscode-test/code-server)
#
# Needs Debian's libkrb5-dev (the kerberos addon is built from source), ripgrep (used instead of
# @vscode/ripgrep, whose install script downloads from GitHub) and a C/C++ tool chain.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PREFIX=${1:-${LW_CODE_SERVER_PREFIX:-$ROOT/.vscode-test/code-server}}
# 4.100.3 (VS Code 1.100.3) is the newest code-server whose engines.node accepts Node 20.
VERSION=${LW_CODE_SERVER_VERSION:-4.100.3}
CS=$PREFIX/node_modules/code-server
MARKER=$PREFIX/.installed-$VERSION

if [ -f "$MARKER" ] && [ -f "$CS/out/node/entry.js" ]; then
  echo "code-server $VERSION already installed in $PREFIX"
  exit 0
fi
for tool in rg krb5-config make g++ python3; do
  command -v "$tool" >/dev/null || { echo "install-code-server: '$tool' is missing (apt-get install ripgrep libkrb5-dev build-essential python3)" >&2; exit 2; }
done

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
cd "$PREFIX"
echo '{ "private": true }' > package.json
started=$(date +%s)

# 1. The package itself with install scripts off: its postinstall runs a nested npm install whose
#    @vscode/ripgrep step downloads from GitHub.
npm install --no-save --no-audit --no-fund --ignore-scripts --omit=dev "code-server@$VERSION"
# Its one native addon (argon2): the prebuilt download fails offline, so it is built from source.
npm rebuild argon2

# 2. VS Code's own dependencies (pinned by its shrinkwrap), scripts off, then Debian's rg in place
#    of the downloaded one (@vscode/ripgrep's script is skipped when bin/ exists), then every native
#    addon (node-pty, @parcel/watcher, spdlog, kerberos, ...) built from source. node-pty's script
#    runs `npx node-gyp`, which must not stop to ask.
cd "$CS/lib/vscode"
npm install --no-audit --no-fund --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild

# 3. What code-server's own postinstall does besides installing.
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --no-audit --no-fund --omit=dev)

# npm 11 warns that these packages' scripts are not covered by allowScripts, yet `npm rebuild`
# builds the binding.gyp addons; check that they load rather than trust the log.
node -e "for (const m of ['node-pty', '@vscode/spdlog', 'kerberos', 'native-watchdog', '@parcel/watcher']) require(m)"
(cd "$PREFIX" && node -e "require('argon2')")

touch "$MARKER"
echo "code-server $VERSION installed in $PREFIX in $(( $(date +%s) - started ))s"
