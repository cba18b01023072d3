#!/usr/bin/env bash
# Installs Comunica's link-traversal CLI (the exact versions of .ci/comunica/package-lock.json) into
# tests/artifacts/node/ for tests/web/test_comunica_http.py: a real Linked Data client following links from a
# museum's IRI on the production server (issue 13). Skipped when it is already installed at that lock;
# a failed install is reported here and the test then skips, naming this script.
set -uo pipefail
cd "$(dirname "$0")/.."
target=tests/artifacts/node
bin="$target/node_modules/.bin/comunica-sparql-link-traversal"
if ! command -v npm >/dev/null 2>&1; then
  mkdir -p "$target" && echo "npm is not installed (Debian: nodejs npm)" > "$target/INSTALL-FAILED"
  echo "comunica: npm missing: install node and npm (Debian 'nodejs npm'); the Comunica test will skip" >&2
  exit 0
fi
if [ -x "$bin" ] && cmp -s .ci/comunica/package-lock.json "$target/package-lock.json"; then
  exit 0
fi
rm -rf "$target" && mkdir -p "$target"
cp .ci/comunica/package.json .ci/comunica/package-lock.json "$target/"
started=$(date +%s)
if (cd "$target" && npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
  version=$(node -p 'require("./'"$target"'/node_modules/@comunica/query-sparql-link-traversal/package.json").version')
  echo "comunica: installed $version in $(( $(date +%s) - started )) s, $(du -sh "$target" | cut -f1)"
else
  # The test skips naming this file (npm's last lines); anything else missing makes it fail under CI.
  tail -n 20 "$target/npm.log" > "$target/INSTALL-FAILED"
  rm -rf "$target/node_modules"
  echo "comunica: npm ci failed (tests/artifacts/node/INSTALL-FAILED); tests/web/test_comunica_http.py will skip" >&2
fi
exit 0
