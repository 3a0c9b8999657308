#!/usr/bin/env bash
# The whole suite: everything on SQLite, then the database-backed tests on PostgreSQL.
# Engine and interop tests do not touch a database, and the browser walks exercise the
# pages the web tests already run on both databases, so each of those runs once.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=(.venv/bin/python -m pytest)

mapfile -t missing < <(bash scripts/system-deps.sh | sed '/^$/d')
if [ ${#missing[@]} -gt 0 ]; then
    echo "Missing system packages (the tests that need them are skipped): ${missing[*]}"
    echo "Install them with: sudo apt-get install ${missing[*]}"
fi

status=0
echo "=== Test run 1/2: database SQLite (embedded), all tests"
env -u DATABASE_URL "${PYTEST[@]}" "$@" || status=$?

echo "=== Test run 2/2: database PostgreSQL (throwaway cluster), database-backed tests (no browser)"
if printf '%s\n' "${missing[@]}" | grep -qx postgresql; then
    echo "SKIPPED: PostgreSQL is not installed."
else
    pg_status=0
    bash scripts/with-postgres.sh "${PYTEST[@]}" -m "not engine and not browser" "$@" || pg_status=$?
    if [ $pg_status -eq 5 ] && [ $# -gt 0 ]; then
        echo "(no database-backed test among the selected ones)"
        pg_status=0
    fi
    [ $status -eq 0 ] && status=$pg_status
fi
exit $status
