#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need on a fresh Debian machine. Idempotent: a second run with
# nothing changed takes a second. Debian packages: chromium (browser for the VS Code UI and tests),
# docker-registry (the real OCI registry the registry tests start), ripgrep (VS Code's search, given to
# code-server instead of a download), libkrb5-dev and pkg-config (code-server's native modules), openssl.
# skopeo: what `npm run bench` compares digest resolution with.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium docker-registry ripgrep libkrb5-dev pkg-config openssl skopeo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# code-server installs @vscode/ripgrep, which downloads a binary from GitHub at install time. That host is not
# reachable here, so hand it Debian's rg through the cache it looks in first.
tmp="${TMPDIR:-/tmp}"
cache="$tmp/vscode-ripgrep-cache-1.15.11"
asset="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -f $asset ]]; then
  mkdir -p "$cache"
  staging=$(mktemp -d)
  cp /usr/bin/rg "$staging/rg"
  tar -czf "$asset" -C "$staging" rg
  rm -rf "$staging"
fi

stamp=node_modules/.image-provenance-setup
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_hash" ]]; then
  echo "setup: npm ci (code-server builds native modules; about two minutes)"
  # As root, npm drops privileges for install scripts unless told not to; node-pty runs `npx node-gyp`.
  npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi
