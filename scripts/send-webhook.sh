#!/usr/bin/env bash
# Sends one signed webhook (Standard Webhooks) to the local app.
#   scripts/send-webhook.sh orders|payments FILE.json [URL]
# The secret comes from WEBHOOK_SECRET, else from local.settings.json (Webhooks__Orders__Secret or
# Webhooks__Payments__Secret). The webhook-id is a fresh random id unless WEBHOOK_ID is set (set it to
# replay the same event). {{now}} in the file is replaced with the current UTC time.
set -euo pipefail
endpoint=${1:?usage: send-webhook.sh orders|payments FILE.json [URL]}
file=${2:?usage: send-webhook.sh orders|payments FILE.json [URL]}
base=${3:-http://localhost:7071}
case "$endpoint" in
  orders) setting=Webhooks__Orders__Secret ;;
  payments) setting=Webhooks__Payments__Secret ;;
  *) echo "endpoint must be orders or payments" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
secret=${WEBHOOK_SECRET:-$(node -e "const s=require('./local.settings.json');process.stdout.write(s.Values['$setting']||'')")}
[ -n "$secret" ] || { echo "no secret: set WEBHOOK_SECRET or $setting in local.settings.json" >&2; exit 2; }

id=${WEBHOOK_ID:-msg_$(node -e "process.stdout.write(require('crypto').randomBytes(12).toString('hex'))")}
ts=$(date +%s)
# {{now}} in the file becomes the current time, so a sample's reminders are planned from now.
body=$(sed "s/{{now}}/$(date -u +%Y-%m-%dT%H:%M:%SZ)/g" "$file")
key_hex=$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -vtx1 | tr -d ' \n')
sig=$(printf '%s.%s.%s' "$id" "$ts" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64)

curl -sS -X POST "$base/api/webhooks/$endpoint" \
  -H "Content-Type: application/json" \
  -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" \
  --data-binary "$body"
echo
