#!/usr/bin/env bash
# Runs the app locally: installs the pinned tools, starts Azurite and maildev with their data in
# .local/ (git-ignored, kept between runs), creates local.settings.json from the sample when it
# is missing, and runs the app on http://localhost:7071: under Core Tools (`func start`) when they are installed, else
# on the local Functions host. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/local-tools.sh

install_local_tools
mkdir -p .local/azurite .local/maildev
[ -f local.settings.json ] || { cp local.settings.sample.json local.settings.json; echo "Created local.settings.json from the sample."; }
trap 'stop_local_tools' EXIT INT TERM

start_azurite 10000 10001 10002 "--location .local/azurite" .local/azurite.log
start_maildev 1025 1080 "--mail-directory .local/maildev" .local/maildev.log

cat <<INFO

  API        http://localhost:7071/api
  Health     http://localhost:7071/api/health
  Dashboard  http://localhost:7071/dashboard   (x-functions-key from Admin__Keys)
  OpenAPI    http://localhost:7071/openapi/v1.json
  maildev    http://localhost:1080

INFO
dotnet build functions/Reminders.App -c Release --nologo -v quiet
app_dir=functions/Reminders.App/bin/Release/net10.0
if command -v func >/dev/null; then
  # Core Tools: the real Functions host runs the worker from the build output (host.json, functions.metadata and
  # local.settings.json, which the build copies there).
  echo "Starting on the Functions host (Core Tools: $(func --version))."
  (cd "$app_dir" && exec func start --port 7071) &
else
  # No Core Tools here: the same functions on the local host (functions/Functions.LocalHost).
  echo "Core Tools (func) not found: starting on the local Functions host."
  dotnet "$app_dir/Reminders.App.dll" --urls "${ASPNETCORE_URLS:-http://localhost:7071}" &
fi
started_pids+=($!)
wait "${started_pids[-1]}"
