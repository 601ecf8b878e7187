# Shared by run.sh and test.sh: install the pinned npm tools and start them.
# shellcheck shell=bash

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
started_pids=()

install_local_tools() {
  local stamp="$repo_root/node_modules/.package-lock.json"
  if [ ! -x "$repo_root/node_modules/.bin/azurite" ] || [ ! -x "$repo_root/node_modules/.bin/maildev" ] \
     || [ "$repo_root/package-lock.json" -nt "$stamp" ]; then
    echo "Installing local tools (npm ci)..."
    (cd "$repo_root" && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed" >&2; return 1; }
  fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})"
}

wait_for_port() { # port, name
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$2 did not start listening on port $1" >&2
  return 1
}

# start_azurite BLOB QUEUE TABLE [--location DIR | --inMemoryPersistence] LOGFILE
start_azurite() {
  local blob=$1 queue=$2 table=$3 storage_args=$4 log=$5
  # shellcheck disable=SC2086
  "$repo_root/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" $storage_args >"$log" 2>&1 &
  started_pids+=($!)
  wait_for_port "$blob" Azurite && wait_for_port "$queue" Azurite && wait_for_port "$table" Azurite
}

# start_maildev SMTP WEB [extra args] LOGFILE
start_maildev() {
  local smtp=$1 web=$2 extra=$3 log=$4
  # shellcheck disable=SC2086
  "$repo_root/node_modules/.bin/maildev" --ip 127.0.0.1 --smtp "$smtp" --web "$web" $extra >"$log" 2>&1 &
  started_pids+=($!)
  wait_for_port "$smtp" maildev && wait_for_port "$web" maildev
}

storage_connection_string() { # BLOB QUEUE TABLE
  echo "DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$1/$AZURITE_ACCOUNT;QueueEndpoint=http://127.0.0.1:$2/$AZURITE_ACCOUNT;TableEndpoint=http://127.0.0.1:$3/$AZURITE_ACCOUNT;"
}

# Stops what was started, newest first (the app before the storage it writes to), and waits for each.
stop_local_tools() {
  local i pid
  for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do
    pid=${started_pids[i]}
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  started_pids=()
}
