# Runs jobs side by side, at most NONLIN_JOBS (default: the core count) at a
# time. The emulated runs under qemu-user are single-threaded: one after
# another they leave all cores but one idle.
# Each job's output is kept and printed whole, in the order the jobs were
# added, once all have ended; pool_wait fails if any job failed.
# usage (sourced by a script with set -euo pipefail):
#   pool_add NAME COMMAND [ARGS...]     (COMMAND may be a shell function)
#   pool_wait
pool_slots=${NONLIN_JOBS:-$(nproc)}
pool_dir="$(mktemp -d)"
pool_names=()

pool_add() {
  local name=$1 i=${#pool_names[@]}
  shift
  while [ "$(jobs -rp | wc -l)" -ge "$pool_slots" ]; do wait -n || true; done
  pool_names+=("$name")
  echo "== started: $name  ($(date +%T))"
  (
    set +e
    start=$SECONDS
    (set -e; "$@") >"$pool_dir/$i.log" 2>&1
    echo "$? $((SECONDS - start))" >"$pool_dir/$i.status"
  ) &
}

pool_wait() {
  wait
  local i status seconds failed=0
  for i in "${!pool_names[@]}"; do
    read -r status seconds <"$pool_dir/$i.status" || { status=1 seconds=?; }
    if [ "$status" -eq 0 ]; then
      echo "== ${pool_names[$i]}: ok in $seconds s"
    else
      echo "== ${pool_names[$i]}: FAILED (status $status) after $seconds s"
      failed=1
    fi
    cat "$pool_dir/$i.log"
  done
  rm -rf "$pool_dir"
  pool_dir="$(mktemp -d)"
  pool_names=()
  return "$failed"
}
