#!/usr/bin/env bash
# A private one-node Slurm cluster for tests and measurements (Debian's slurm-wlm and munge):
# munged, slurmctld and slurmd with their configuration, keys, sockets, state and logs in one
# temporary folder, on free ports, so it never meets a cluster already running on the machine.
#   source tests/sh/slurm_cluster.sh
#   slurm_start DIR [CPUS]   # 0: running, SLURM_CONF exported; 1: cannot start (reason on stderr)
#   slurm_stop               # stops exactly the daemons slurm_start started, waits for them
# Needs root (slurmd starts jobs as their user); slurm_start says why when it cannot.

_slurm_pids=()

# A TCP port nobody listens on (looked up in /proc/net/tcp*).
_slurm_free_port() {
  local p hex
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    hex=$(printf ':%04X ' "$p")
    grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}

slurm_start() {
  local dir=$1 cpus=${2:-4}
  if [ "$(id -u)" != 0 ]; then echo "slurm: not root (slurmd must start jobs as their user)" >&2; return 1; fi
  local b
  for b in munged slurmctld slurmd srun sinfo; do
    command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || { echo "slurm: $b is not installed (apt-get install slurm-wlm munge)" >&2; return 1; }
  done
  export PATH=$PATH:/usr/sbin
  mkdir -p "$dir"/{munge,state,spool,log}
  chmod 700 "$dir" "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$dir/munge/munge.key"
  local host ctl_port d_port
  host=$(hostname -s)
  ctl_port=$(_slurm_free_port) && d_port=$(_slurm_free_port) || { echo "slurm: no free port" >&2; return 1; }
  munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munge.seed" --foreground --force >/dev/null 2>&1 &
  _slurm_pids+=($!)
  cat >"$dir/slurm.conf" <<CONF
ClusterName=reprotest
SlurmctldHost=$host
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=30
KillWait=5
InactiveLimit=0
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=repro Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  export SLURM_CONF=$dir/slurm.conf
  local i
  for i in $(seq 1 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
  slurmctld -D -i -f "$SLURM_CONF" >"$dir/log/slurmctld.out" 2>&1 &
  _slurm_pids+=($!)
  slurmd -D -f "$SLURM_CONF" -N "$host" >"$dir/log/slurmd.out" 2>&1 &
  _slurm_pids+=($!)
  for i in $(seq 1 100); do
    if [ "$(sinfo -h -o %T 2>/dev/null | head -n1)" = idle ]; then return 0; fi
    sleep 0.2
  done
  echo "slurm: the private cluster did not come up (node state: $(sinfo -h -o %T 2>&1 | head -n1)); the end of its logs:" >&2
  tail -n 5 "$dir"/log/*.log "$dir"/log/*.out >&2 2>/dev/null
  slurm_stop
  return 1
}

# The slurmstepd processes of this cluster (their environment names its SLURM_CONF).
_slurm_steps() {
  local p
  for p in $(pgrep -x slurmstepd 2>/dev/null); do
    { tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -qx "SLURM_CONF=$SLURM_CONF" && echo "$p"
  done
}

slurm_stop() {
  local p i
  # Cancel what is left, let the steps end, then stop the daemons (last started, first stopped).
  if [ -n "${SLURM_CONF:-}" ] && [ ${#_slurm_pids[@]} -gt 0 ]; then
    scancel --full --quiet -p repro 2>/dev/null
    for i in $(seq 1 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
    for i in $(seq 1 50); do [ -z "$(_slurm_steps)" ] && break; sleep 0.2; done
  fi
  local steps
  steps=$(_slurm_steps)
  for ((i = ${#_slurm_pids[@]} - 1; i >= 0; i--)); do
    kill "${_slurm_pids[$i]}" 2>/dev/null
  done
  for p in $steps; do kill "$p" 2>/dev/null; done
  for p in "${_slurm_pids[@]}" $steps; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  _slurm_pids=()
}
