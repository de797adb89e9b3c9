# Sourced by bench/run once every row is measured: prints the table and writes it, with the
# machine it ran on, to $results.

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
ram=$(awk '$1 == "MemTotal:" { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- 2>/dev/null || commit+=" with uncommitted changes"
elapsed=$(($(date +%s) - started))

{
  echo "Machine: $cores cores ($cpu), $ram RAM, $(uname -sr). $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $(rustc --version | cut -d' ' -f1-2)."
  echo "Measured in $((elapsed / 60)) min $((elapsed % 60)) s (builds excluded). Release build, SQLite${pg_version:+ (row 4 also PostgreSQL $pg_version)}, loopback, default settings (LATCH_HASH_CONCURRENCY=$permits, LATCH_HASH_MAX_WAIT_MS=$wait_ms)."
  echo
  echo "| # | Measured | Result | Reference (same run) | Ratio / goal |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}" | sort -s -t'|' -k2,2n
} >"$work/results.md"

{
  echo "# Latest \`make bench\` results"
  echo
  echo "Written by \`bench/run\`; the README's \"Benchmarks\" section explains each row."
  echo
  cat "$work/results.md"
  # The plans behind row 4's rare search, so a slow run can be told from a slow plan.
  if grep -q ' users, .* of search ' "$work/list.err" 2>/dev/null; then
    echo
    echo "Row 4's search \"user0004\": the statements and their plans in this run."
    echo
    echo '```'
    grep -E '^(Sqlite|Postgres) at [0-9]+ users, |^    ' "$work/list.err" | cut -c1-200
    echo '```'
  fi
} >"$results"
echo
cat "$work/results.md"
echo
echo "Written to ${results#"$root"/}."
