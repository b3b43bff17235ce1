#!/usr/bin/env bash
# A single-node Slurm cluster on localhost for the sweep tests (Debian 12, root, no systemd).
# Recipe: ../shared/notes/slurm-single-node.md. Everything lives under DIR; nothing in /etc.
#
#   bash scripts/slurm/local-cluster.sh start DIR   installs slurm+munge if missing, starts munged,
#                                                  slurmctld and slurmd; prints SLURM_CONF=DIR/slurm.conf
#   bash scripts/slurm/local-cluster.sh stop DIR    stops the daemons started from DIR
# Exit 3 from start means Slurm cannot run here (not root, no apt-get, install failed): skip.
set -uo pipefail
cmd=${1:-}
D=${2:-/tmp/werank-slurm}
log() { echo "[slurm] $*" >&2; }

stop() {
  for f in slurmd slurmctld munged; do
    [ -f "$D/$f.pid" ] || continue
    pid=$(cat "$D/$f.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$D/$f.pid"
  done
  log "stopped ($D)"
}

start() {
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null && [ ! -x /usr/sbin/munged ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then log "slurm is not installed and cannot be installed here (need root and apt-get)"; exit 3; fi
    log "installing slurmctld slurmd slurm-client munge"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge) >/dev/null 2>&1 \
      || { log "apt-get install failed"; exit 3; }
  fi
  [ "$(id -u)" = 0 ] || { log "the local cluster needs root (SlurmdUser=root)"; exit 3; }
  stop >/dev/null 2>&1
  rm -rf "$D"; mkdir -p "$D/munge" "$D/state" "$D/spool"; chmod 755 "$D" "$D/munge"
  mungekey --create --keyfile="$D/munge/munge.key" >/dev/null 2>&1 || { log "mungekey failed"; exit 3; }
  setsid /usr/sbin/munged -F --key-file="$D/munge/munge.key" --socket="$D/munge/munge.sock" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" --seed-file="$D/munge/munged.seed" \
    >/dev/null 2>"$D/munge/munged.stderr" < /dev/null &
  echo $! > "$D/munged.pid"
  for _ in $(seq 50); do [ -S "$D/munge/munge.sock" ] && break; sleep 0.1; done
  munge -S "$D/munge/munge.sock" -n | unmunge -S "$D/munge/munge.sock" >/dev/null 2>&1 || { log "munge does not work"; stop; exit 3; }
  H=$(hostname -s)
  NODE=$(slurmd -C | head -n 1)
  cat > "$D/slurm.conf" <<CONF
ClusterName=werank-test
SlurmctldHost=$H(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.daemon.pid
SlurmdPidFile=$D/slurmd.daemon.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=4
KillWait=5
Waittime=0
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$D/slurm.conf"
  setsid slurmctld -D >"$D/slurmctld.stdout" 2>&1 < /dev/null & echo $! > "$D/slurmctld.pid"
  setsid slurmd -D >"$D/slurmd.stdout" 2>&1 < /dev/null & echo $! > "$D/slurmd.pid"
  for _ in $(seq 300); do [ "$(sinfo -h -N -o %T 2>/dev/null)" = idle ] && break; sleep 0.1; done
  if [ "$(sinfo -h -N -o %T 2>/dev/null)" != idle ]; then log "node did not become idle (see $D/*.log)"; stop; exit 3; fi
  log "cluster up ($D)"
  echo "SLURM_CONF=$D/slurm.conf"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
