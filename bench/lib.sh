# Helpers for bench/run (sourced): start and stop `latch` servers with fresh SQLite databases,
# read the loadgen's `key=value` lines, format numbers.

PASSWORD="correct horse battery staple"
servers=()

# kv LINE KEY: the value of KEY in a `key=value ...` line (empty when absent).
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }

# num FORMAT EXPRESSION: awk arithmetic, printed with FORMAT ("-" when it cannot be computed).
num() { awk -v fmt="$1" "BEGIN { v = $2; if (v != v) print \"-\"; else printf fmt, v }" 2>/dev/null || echo -; }

# server_env NAME PORT: sets $envs to the environment of server NAME (its own database, dev
# mailbox and address); $extra_env adds or overrides variables.
server_env() {
  envs=(LATCH_DATABASE_URL="sqlite://$work/$1.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$2"
    LEPTOS_SITE_ROOT="$root/target/site" LATCH_PUBLIC_URL="http://127.0.0.1:$2"
    LATCH_DEV_MAILBOX_DIR="$work/$1-mailbox" LATCH_TRUSTED_PROXIES=127.0.0.1
    LATCH_SECRET_KEY="$bench_key" "${extra_env[@]}")
}
extra_env=()
# One server key for every bench server (a fixed test key, not a secret).
bench_key=YmVuY2ggc2VydmVyIGtleSwgbm90IGEgc2VjcmV0IGF0IGFsbA

# latch_in NAME PORT COMMAND...: runs COMMAND in the environment of server NAME.
latch_in() {
  local envs
  server_env "$1" "$2"
  shift 2
  env "${envs[@]}" "$@"
}

# seed NAME PORT USERS...: a company and users who can log in with $PASSWORD.
seed() {
  local name=$1 port=$2 user
  shift 2
  latch_in "$name" "$port" "$latch" company add "Bench Co" >/dev/null
  for user in "$@"; do
    latch_in "$name" "$port" "$latch" user add --company "Bench Co" \
      --email "$user@example.com" --name "Bench user" --username "$user" \
      --password-stdin <<<"$PASSWORD" >/dev/null
  done
}

# start_server NAME PORT [PIN...]: serves in the background (PIN e.g. `taskset -c 0`), waits
# for /health to answer 200 and sets $server_pid.
start_server() {
  local name=$1 port=$2 envs i
  shift 2
  server_env "$name" "$port"
  # env and taskset exec, so $! is the server itself (a function run with & would be a subshell).
  env "${envs[@]}" "$@" "$latch" serve >"$work/$name.log" 2>&1 &
  server_pid=$!
  servers+=("$server_pid")
  for i in $(seq 1 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/health" && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "latch $name did not answer on /health; its log:" >&2
  tail -n 20 "$work/$name.log" >&2
  return 1
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# rss_mib PID FIELD: VmRSS or VmHWM of a process, in MiB.
rss_mib() { awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# rss_parts PID: what its RSS is made of: memory of the process's own, and pages of the binary
# and libraries mapped from the page cache (clean: the kernel can drop them and read them again).
rss_parts() { echo "anonymous $(rss_mib "$1" RssAnon), file-backed $(rss_mib "$1" RssFile)"; }

# Resets a process's VmHWM (peak RSS) so the next reading covers only what follows.
reset_peak() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }

cleanup() {
  local pid
  for pid in "${servers[@]}" "${helpers[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
helpers=()
