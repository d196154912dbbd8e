#!/usr/bin/env bash
# Sends the README's sample events to a running API and prints each answer.
# Usage: ./test_script.sh [BASE_URL]   (default http://localhost:8080)
set -u
base=${1:-http://localhost:8080}

send() {
  local title=$1 body=$2
  echo "== $title"
  curl -sS -X POST "$base/events" \
    -H "Content-Type: application/json" \
    -d "$body" \
    -w '\nHTTP %{http_code}\n' || echo "request failed: is the API running at $base?"
  echo
}

send "the README's registration event" '{
        "type": "registration",
        "data": {
            "user_id": "12345",
            "email": "test@example.com"
        }
    }'
send "the same event with a client id (send twice: the second is a duplicate)" \
  '{"type": "registration", "id": "readme-example-1", "data": {"user_id": "12345", "email": "test@example.com"}}'
send "the same id again" \
  '{"type": "registration", "id": "readme-example-1", "data": {"user_id": "12345", "email": "test@example.com"}}'
send "an event type without a rule (422)" '{"type": "unknown", "data": {}}'
send "a malformed event (400)" '{"type": "registration", "data": "not an object"}'
