#!/usr/bin/env bash
# Installs everything the lab needs on a fresh Debian/Ubuntu machine: Debian packages (runc,
# OverlayFS tools, busybox-static, Chromium for the browser tests, PostgreSQL/Redis/registry for
# the scale-out and conformance tests), the npm dependencies, and the generated Prisma clients.
# Idempotent; safe to run again. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

# 20.16 is the first Node 20 with process.getBuiltinModule (the lint worker pool uses it).
if ! node -e 'process.exit(typeof process.getBuiltinModule === "function" ? 0 : 1)' 2>/dev/null; then
  echo "Node.js >= 20.16 is required (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

apt_packages=(
  runc attr busybox-static bubblewrap   # the build engine: sandboxes, xattrs, offline base image
  bzip2 xz-utils                        # ADD auto-extracts .tar.bz2 and .tar.xz archives
  buildah skopeo umoci podman           # reference builder and interop checks (tests)
  docker-registry                       # the CNCF distribution registry (registry conformance)
  postgresql redis-server               # scale-out database and queue (tests start them)
  chromium fonts-dejavu-core            # end-to-end browser tests (Playwright drives Debian's Chromium)
  ca-certificates git python3 make g++  # native npm modules (better-sqlite3)
)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
fi
if npm run | grep -q '^  db:generate'; then
  echo "==> prisma generate"
  npm run -s db:generate
fi
