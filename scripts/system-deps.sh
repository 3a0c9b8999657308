#!/usr/bin/env bash
# Report (and, as root, install) the Debian packages the suite needs.
# Prints the names of what is still missing on stdout, one per line.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v tj3 >/dev/null 2>&1 || missing+=(tj3)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
    echo "Installing system packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v tj3 >/dev/null 2>&1 || missing+=(tj3)
    command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
fi
printf '%s\n' "${missing[@]}"
