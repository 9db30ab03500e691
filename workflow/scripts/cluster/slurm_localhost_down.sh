#!/usr/bin/env bash
# Stop the daemons that workflow/scripts/cluster/slurm_localhost_up.sh started (listed in
# $LLZO_SLURM_STATE/started), by the pid in their pid file and only while that pid still runs
# the expected executable: TERM, then KILL after 30 s. Never kills by name. Leaves packages,
# config and state in place (a later slurm_localhost_up.sh reuses them).
# Exits 1 if a recorded daemon is still alive at the end.
set -uo pipefail
STATE_DIR="${LLZO_SLURM_STATE:-/run/llzo-slurm}"
STARTED="$STATE_DIR/started"
[ -s "$STARTED" ] || { echo "[slurm-down] nothing recorded in $STARTED: nothing to stop"; exit 0; }

runs_exe() {  # PID EXE
  [ -d "/proc/$1" ] && [ "$(readlink -f "/proc/$1/exe" 2>/dev/null)" = "$(readlink -f "$2")" ]
}

left=0
stop_one() {  # NAME PIDFILE EXE
  local name=$1 pf=$2 exe=$3 pid
  [ -s "$pf" ] || { echo "[slurm-down] $name: no pid file $pf (already stopped)"; return 0; }
  pid=$(tr -dc 0-9 < "$pf")
  if [ -z "$pid" ] || ! runs_exe "$pid" "$exe"; then
    echo "[slurm-down] $name: pid ${pid:-?} is not $exe (already stopped)"; return 0
  fi
  echo "[slurm-down] stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do runs_exe "$pid" "$exe" || return 0; sleep 0.5; done
  echo "[slurm-down] $name (pid $pid) alive after 30 s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 1
  if runs_exe "$pid" "$exe"; then echo "[slurm-down] ERROR: $name (pid $pid) still running"; left=1; fi
}

# our controller still runs: cancel the jobs left in this private test cluster (a failed or
# interrupted run), so that no job step outlives slurmd
if grep -q "^slurmctld " "$STARTED" && command -v squeue >/dev/null; then
  jobs=$(timeout 20 squeue -h -o %i --states=PENDING,RUNNING,SUSPENDED,COMPLETING 2>/dev/null | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    echo "[slurm-down] cancelling jobs: $jobs"
    # shellcheck disable=SC2086
    timeout 20 scancel $jobs || true
    for _ in $(seq 1 30); do
      [ -z "$(timeout 10 squeue -h -o %i --states=PENDING,RUNNING,SUSPENDED,COMPLETING 2>/dev/null)" ] && break
      sleep 1
    done
  fi
fi

# reverse start order: the node daemon first, munge last
for name in slurmd slurmctld munged; do
  line=$(grep "^$name " "$STARTED" || true)
  [ -n "$line" ] || continue
  # shellcheck disable=SC2086
  stop_one $line
done
[ "$left" = 0 ] && rm -f "$STARTED"
echo "[slurm-down] done"
exit "$left"
