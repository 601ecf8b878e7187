#!/usr/bin/env bash
# Runs every test: installs the pinned local tools, starts Azurite (in memory) and maildev on
# free ports, runs `dotnet test Reminders.sln`, and stops what it started, whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/local-tools.sh

install_local_tools
# The dashboard tests drive Debian's headless Chromium (no browser download: Playwright uses /usr/bin/chromium).
command -v chromium >/dev/null || { apt-get update && apt-get install -y --no-install-recommends chromium; }
logs="$(mktemp -d)"
trap 'stop_local_tools' EXIT INT TERM

blob=$(free_port); queue=$(free_port); table=$(free_port)
smtp=$(free_port); web=$(free_port)
start_azurite "$blob" "$queue" "$table" --inMemoryPersistence "$logs/azurite.log"
start_maildev "$smtp" "$web" "" "$logs/maildev.log"

export REMINDERS_TEST_STORAGE="$(storage_connection_string "$blob" "$queue" "$table")"
export REMINDERS_TEST_SMTP_PORT="$smtp"
export REMINDERS_TEST_MAILDEV_URL="http://127.0.0.1:$web"
export REMINDERS_TEST_AZURITE="$repo_root/node_modules/.bin/azurite"

echo "Azurite: blob $blob, queue $queue, table $table; maildev: smtp $smtp, web $web"
set +e
# One test project at a time: the timing tests (leases, renewals, schedules) share one Azurite and two cores.
dotnet test Reminders.sln --nologo -m:1 "$@" | tee "$logs/dotnet-test.log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run, summed over the test projects.
passed=$(grep -oE 'Passed: +[0-9]+' "$logs/dotnet-test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$logs/dotnet-test.log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed"
exit "$status"
