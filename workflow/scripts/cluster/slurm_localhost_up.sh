#!/usr/bin/env bash
# Bring up a one-node Slurm cluster on this machine (for `make test-slurm` and CI), without systemd.
#
# Root only, Debian 12+ (Slurm 22.05 in bookworm; the config avoids keys removed in 23.x/24.x).
# Installs slurmctld slurmd slurm-client munge with apt if missing, writes /etc/slurm/slurm.conf,
# starts munged, slurmctld and slurmd directly (setsid, no systemd), waits until node `localhost`
# is idle and (by default) runs an srun + sbatch smoke test. Idempotent: a second run is a no-op.
#
# No accounting daemon (slurmdbd): the Snakemake profile must query job state with squeue
# (`slurm-status-command: squeue` in workflow/profiles/slurm/config.yaml); MinJobAge=300 keeps
# finished jobs visible to squeue long enough for that.
#
# Every daemon this script starts is recorded in $LLZO_SLURM_STATE/started (name, pid file,
# executable); workflow/scripts/cluster/slurm_localhost_down.sh stops exactly those, by pid.
#
# Environment knobs:
#   LLZO_SLURM_WAIT_S=60      seconds to wait for the node to become idle
#   LLZO_SLURM_SMOKE_TEST=1   0 skips the srun/sbatch smoke test
#   LLZO_SLURM_STATE=/run/llzo-slurm
set -euo pipefail

WAIT_S="${LLZO_SLURM_WAIT_S:-60}"
SMOKE="${LLZO_SLURM_SMOKE_TEST:-1}"
STATE_DIR="${LLZO_SLURM_STATE:-/run/llzo-slurm}"
STARTED="$STATE_DIR/started"
CLUSTER=llzocluster
LOGDIR=/var/log/slurm
t0=$(date +%s)

log() { echo "[slurm-up +$(( $(date +%s) - t0 ))s] $*"; }
die() { echo "[slurm-up] ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
command -v apt-get >/dev/null || die "apt-get not found (Debian/Ubuntu only)"

# pid_alive PIDFILE EXE: the pid file names a live process whose executable is EXE
# (readlink -f: /usr/sbin/slurmctld is an alternatives link to slurmctld-wlm)
pid_alive() {
  local pf=$1 exe=$2 pid
  [ -s "$pf" ] || return 1
  pid=$(tr -dc 0-9 < "$pf")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$exe")" ]
}

record_started() {  # NAME PIDFILE EXE
  mkdir -p "$STATE_DIR"
  { grep -v "^$1 " "$STARTED" 2>/dev/null || true; echo "$1 $2 $3"; } > "$STARTED.tmp"
  mv "$STARTED.tmp" "$STARTED"
}

wait_for() {  # SECONDS DESCRIPTION CMD...
  local n=$1 what=$2; shift 2
  for _ in $(seq 1 "$n"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  die "timed out after ${n}s waiting for: $what"
}

# ------------------------------------------------------------------------------ packages
PKGS=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  apt-get update -qq
  # postinst cannot start the services (no systemd / policy-rc.d): we start them below
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
log "slurm $(dpkg-query -W -f='${Version}' slurmctld), munge $(dpkg-query -W -f='${Version}' munge)"

# ------------------------------------------------------------------------------ munge
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
if [ ! -s /etc/munge/munge.key ]; then
  log "creating munge key"
  if command -v mungekey >/dev/null; then
    mungekey --create --force
  else
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! pid_alive /run/munge/munged.pid /usr/sbin/munged; then
  log "starting munged"
  rm -f /run/munge/munged.pid
  setsid runuser -u munge -- /usr/sbin/munged </dev/null >/dev/null 2>&1
  wait_for 20 "munged" pid_alive /run/munge/munged.pid /usr/sbin/munged
  record_started munged /run/munge/munged.pid /usr/sbin/munged
fi
wait_for 20 "munge round trip" bash -c 'munge -n | unmunge'

# ------------------------------------------------------------------------------ slurm.conf
install -d -m 0755 /etc/slurm "$LOGDIR" /var/lib/slurm/slurmctld /var/lib/slurm/slurmd
# RealMemory above what slurmd detects drains the node (INVAL): keep 10 % head room
detected_mem=$(/usr/sbin/slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)
CPUS=$(nproc)
REALMEM=$(( ${detected_mem:-4096} * 9 / 10 ))

new_conf=$(mktemp)
cat > "$new_conf" <<CONF
# Written by llzo-repro workflow/scripts/cluster/slurm_localhost_up.sh: one-node test cluster.
ClusterName=$CLUSTER
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
# no cgroups (containers, gVisor): track processes through /proc, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
InactiveLimit=0
KillWait=30
# finished jobs stay visible to squeue for MinJobAge s; the Snakemake slurm plugin uses squeue
# only if MinJobAge >= 3 x slurm-init-seconds-before-status-checks
MinJobAge=300
SlurmctldTimeout=120
SlurmdTimeout=300
Waittime=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$REALMEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
conf_changed=0
if ! cmp -s "$new_conf" /etc/slurm/slurm.conf; then
  install -m 0644 "$new_conf" /etc/slurm/slurm.conf
  conf_changed=1
  log "wrote /etc/slurm/slurm.conf (CPUs=$CPUS RealMemory=$REALMEM MB)"
fi
rm -f "$new_conf"

# ------------------------------------------------------------------------------ slurmctld, slurmd
restart_if_changed() {  # NAME PIDFILE EXE
  if [ "$conf_changed" = 1 ] && pid_alive "$2" "$3"; then
    log "slurm.conf changed: restarting $1"
    kill "$(tr -dc 0-9 < "$2")"
    for _ in $(seq 1 30); do pid_alive "$2" "$3" || break; sleep 1; done
  fi
}

restart_if_changed slurmctld /run/slurmctld.pid /usr/sbin/slurmctld
if ! pid_alive /run/slurmctld.pid /usr/sbin/slurmctld; then
  log "starting slurmctld"
  setsid /usr/sbin/slurmctld </dev/null >/dev/null 2>&1
  wait_for 30 "slurmctld" pid_alive /run/slurmctld.pid /usr/sbin/slurmctld
  record_started slurmctld /run/slurmctld.pid /usr/sbin/slurmctld
fi
wait_for 30 "slurmctld answering" scontrol ping

restart_if_changed slurmd /run/slurmd.pid /usr/sbin/slurmd
if ! pid_alive /run/slurmd.pid /usr/sbin/slurmd; then
  log "starting slurmd"
  # -N: the host name (e.g. "vm") is not the NodeName
  setsid /usr/sbin/slurmd -N localhost </dev/null >/dev/null 2>&1
  wait_for 30 "slurmd" pid_alive /run/slurmd.pid /usr/sbin/slurmd
  record_started slurmd /run/slurmd.pid /usr/sbin/slurmd
fi

st=
ok=0
for _ in $(seq 1 "$WAIT_S"); do
  st=$(sinfo -h -n localhost -o %T 2>/dev/null | head -1)
  case "$st" in
    idle|mixed|allocated|completing) ok=1; break ;;
    down*|drain*|fail*) scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
if [ "$ok" != 1 ]; then
  sinfo -R || true
  tail -20 "$LOGDIR/slurmctld.log" "$LOGDIR/slurmd.log" || true
  die "node localhost not idle after ${WAIT_S}s (state: ${st:-?})"
fi
sinfo

# ------------------------------------------------------------------------------ smoke test
if [ "$SMOKE" = 1 ]; then
  out=$(timeout 60 srun -p debug -t 1 -n 1 hostname 2>/dev/null) || die "srun failed"
  log "srun hostname -> $out"
  jid=$(sbatch --parsable -p debug -t 1 -o /dev/null --wrap true) || die "sbatch failed"
  s=
  for _ in $(seq 1 30); do
    s=$(squeue -h -j "$jid" --states=all -o %T 2>/dev/null || true)
    [ "$s" = COMPLETED ] && break
    sleep 1
  done
  [ "$s" = COMPLETED ] || die "sbatch job $jid did not complete (state: ${s:-?})"
  log "sbatch job $jid COMPLETED"
fi
log "ready in $(( $(date +%s) - t0 )) s; daemons started here: $(cut -d' ' -f1 "$STARTED" 2>/dev/null | tr '\n' ' ')"
