# Shared by the page benchmarks (bench-pages, bench-scale): a release server on demo data, signed-in
# cookies, and wrk with percentiles. Sourced, not run.

BENCH_PORT="${BENCH_PORT:-3910}"
BENCH_URL="http://127.0.0.1:$BENCH_PORT"
command -v wrk >/dev/null || apt_install wrk

# bench_database NAME: the DATABASE_URL for a fresh database NAME on the PostgreSQL cluster at
# $BENCH_POSTGRES_URL (an admin URL), owned by an ordinary role as a deployment runs; empty
# without one (the server then uses SQLite in its data directory).
bench_database() {
  [ -n "${BENCH_POSTGRES_URL:-}" ] || return 0
  psql -q "$BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $1" >/dev/null
  psql -q "$BENCH_POSTGRES_URL" -c "DO \$\$ BEGIN CREATE ROLE $1 LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
  psql -q "$BENCH_POSTGRES_URL" -c "CREATE DATABASE $1 OWNER $1" >/dev/null
  local rest="${BENCH_POSTGRES_URL#postgres://}"
  echo "postgres://$1@${rest#*@}" | sed "s#/[^/]*\$#/$1#"
}

# bench_serve BINARY DATA_DIR DATABASE_URL: starts the server in the background ($BENCH_SERVER).
bench_serve() {
  env GATEHOUSE_BIND="127.0.0.1:$BENCH_PORT" GATEHOUSE_DATA_DIR="$2" GATEHOUSE_LOG=warn \
    ${3:+DATABASE_URL="$3"} LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=gatehouse \
    LEPTOS_SITE_PKG_DIR=pkg "$1" >"$2/server.log" 2>&1 &
  BENCH_SERVER=$!
  for _ in $(seq 1 600); do curl -sf "$BENCH_URL/readyz" >/dev/null && return 0; sleep 0.1; done
  echo "server did not start: $(tail -5 "$2/server.log")" >&2
  return 1
}

bench_stop() {
  kill "$BENCH_SERVER" 2>/dev/null || true
  wait "$BENCH_SERVER" 2>/dev/null || true
}

# bench_cookie EMAIL: signs in (the demo password) and prints the session cookie.
bench_cookie() {
  local jar token
  jar="$(mktemp)"
  token="$(curl -s -c "$jar" "$BENCH_URL/signin" \
    | grep -o 'name="csrf-token" content="[^"]*"' | sed 's/.*content="//; s/"$//')"
  curl -s -b "$jar" -c "$jar" -H "x-csrf-token: $token" --data-urlencode "email=$1" \
    --data-urlencode "password=velvet orbit harbor lantern" "$BENCH_URL/api/accounts/sign_in" >/dev/null
  awk '$6 ~ /gatehouse_session/ {print $6"="$7}' "$jar"
  rm -f "$jar"
}

# bench_wrk CONNECTIONS COOKIE PATH: requests/s and p50/p95/p99, failing on any non-2xx answer.
bench_wrk() {
  local out
  out="$(wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"${BENCH_DURATION:-15s}" -s "$ROOT/scripts/wrk-percentiles.lua" \
    ${2:+-H "Cookie: $2"} "$BENCH_URL$3")"
  if grep -q "Non-2xx" <<<"$out"; then
    echo "$out" >&2
    return 1
  fi
  printf '  %-44s c=%-3s %s\n' "$3" "$1" "$(tail -1 <<<"$out")"
}
