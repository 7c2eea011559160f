#!/usr/bin/env bash
# A real one-node Slurm on this machine, for testing job-array scripts: munged, slurmctld and slurmd run as root from a
# temporary folder (key, sockets, slurm.conf, state, logs), never touching /etc/slurm or /etc/munge; they are stopped and
# the folder removed on exit, whatever happens, so the script can run again right away.
#
#   deploy/slurm/test-local.sh                      built-in check: real array tasks resolve `--shard auto` as intended
#   deploy/slurm/test-local.sh JOB.sbatch [ARGS]    also submits JOB.sbatch as a job array (--array=1-3, unless
#                                                   TEST_ARRAY says otherwise) and fails when a task fails
#
# Needs root and Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge). Time bound: TEST_TIMEOUT seconds
# per submitted array (default 120).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
timeout_s="${TEST_TIMEOUT:-120}"

if [ "$(id -u)" != 0 ]; then echo "test-local.sh: must run as root (it starts munged, slurmctld and slurmd)" >&2; exit 1; fi
for tool in munged mungekey slurmctld slurmd sbatch sinfo scontrol; do
  command -v "$tool" >/dev/null || { echo "test-local.sh: '$tool' is missing: apt-get install -y slurm-wlm munge" >&2; exit 1; }
done

# Build the CLI first (outside the time bounds) so array tasks only start it.
"$root/c3d" --help >/dev/null
c3d="$root/c3d"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/c3d-slurm.XXXXXX")"
pids=()
stop() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" != 0 ]; then
    for log in "$tmp"/*.log "$tmp"/*.out; do [ -f "$log" ] && { echo "--- $log (last lines)" >&2; tail -n 15 "$log" >&2; }; done
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

free_port() { /usr/bin/env python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq $((limit * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "test-local.sh: $what did not happen within ${limit}s" >&2; return 1
}

# munge: a fresh key and its own socket.
mungekey --create --keyfile="$tmp/munge.key" --bits=1024
chmod 0400 "$tmp/munge.key"
munged --foreground --force --key-file="$tmp/munge.key" --socket="$tmp/munge.socket" --pid-file="$tmp/munged.pid" \
       --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed" >"$tmp/munged.out" 2>&1 &
pids+=($!)
wait_for 10 "munged listening on $tmp/munge.socket" test -S "$tmp/munge.socket"

# slurm.conf: this host as the only node, everything in $tmp, ports chosen free so two runs never collide.
node="$(hostname -s)"
memory_mb=$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 * 9 / 10 ))
cpus=$(( $(nproc) < 2 ? $(nproc) : 2 ))
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/out"
: > "$tmp/plugstack.conf"
export SLURM_CONF="$tmp/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=c3dtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
PlugStackConfig=$tmp/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

# -D: in the foreground, so $! is the daemon; they log to their log files, their stderr goes beside them.
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
node_idle() { sinfo -h -N -n "$node" -o %t | grep -qx idle; }
wait_for 60 "node $node idle in sinfo" node_idle
echo "slurm: node $node idle ($cpus CPUs, ${memory_mb} MB), config $SLURM_CONF"

# sbatch_wait NAME ARRAY SCRIPT [ARGS]: submits SCRIPT as a job array and waits for it (time bound); returns its exit code.
sbatch_wait() {
  local name=$1 array=$2; shift 2
  timeout "$timeout_s" sbatch --wait --quiet --job-name="$name" --array="$array" --ntasks=1 --cpus-per-task=1 \
    --chdir="$root" --output="$tmp/out/$name-%a.log" "$@"
}

# Built-in check: each task prints what `--shard auto[/N]` resolves to for 10 inputs.
cat > "$tmp/shard-info.sbatch" <<JOB
#!/usr/bin/env bash
set -euo pipefail
"$c3d" shard-info --shard "\$1" --inputs 10 > "$tmp/out/\$SLURM_JOB_NAME-\$SLURM_ARRAY_TASK_ID.json"
JOB

# check_shards NAME COUNT: the tasks' JSON say shards 1..COUNT of COUNT, each once, and their positions cover 0..9 once.
check_shards() {
  /usr/bin/env python3 - "$tmp/out" "$1" "$2" <<'PY'
import glob, json, os, sys
folder, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
results = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(folder, f"{name}-*.json")))]
shards = sorted(r["shard"] for r in results)
assert shards == list(range(1, count + 1)), f"{name}: shards {shards}, expected 1..{count}"
assert all(r["count"] == count for r in results), f"{name}: counts {[r['count'] for r in results]}"
positions = sorted(p for r in results for p in r["positions"])
assert positions == list(range(10)), f"{name}: positions {positions} do not cover 0..9 exactly once"
sizes = [len(r["positions"]) for r in results]
assert max(sizes) - min(sizes) <= 1, f"{name}: unbalanced {sizes}"
print(f"  {name}: {len(results)} array tasks -> shards 1..{count} of {count}, 10 inputs split {sizes}; e.g. {results[0]['origin']}")
PY
}

echo "slurm: --shard auto in real job arrays"
sbatch_wait from1 1-3 "$tmp/shard-info.sbatch" auto && check_shards from1 3
sbatch_wait from0 0-2 "$tmp/shard-info.sbatch" auto && check_shards from0 3
sbatch_wait offset 5-8 "$tmp/shard-info.sbatch" auto && check_shards offset 4
sbatch_wait stepped 0-4:2 "$tmp/shard-info.sbatch" auto/3 && check_shards stepped 3
# expect_refused NAME ARRAY SHARD PHRASE: every task of the array must refuse --shard SHARD (exit 1) saying PHRASE.
expect_refused() {
  local name=$1 array=$2 shard=$3 phrase=$4
  if sbatch_wait "$name" "$array" "$tmp/shard-info.sbatch" "$shard"; then
    echo "test-local.sh: --shard $shard in the array $array was accepted; it must be refused" >&2; exit 1
  fi
  for log in "$tmp/out/$name"-*.log; do
    grep -qF "$phrase" "$log" || { echo "test-local.sh: $log does not say '$phrase':" >&2; cat "$log" >&2; exit 1; }
  done
  echo "  $name: --shard $shard in the array $array refused by every task: ...$phrase..."
}
# A stepped array without its count is ambiguous; an irregular list cannot be mapped at all.
expect_refused stepped-no-count 0-4:2 auto "the Slurm array 0-4:2 is stepped"
expect_refused list 1,3,7 auto "not one evenly stepped range"

# The deploy/ job scripts, with a stand-in for c3d (C3D=...) that resolves the --shard it is given with the real
# `c3d shard-info` and exits 2 ("done, some inputs bad"), which the scripts must count as a finished shard.
echo "slurm: deploy/slurm/*.sbatch with a stand-in c3d"
cat > "$tmp/c3d-stub" <<STUB
#!/usr/bin/env bash
set -euo pipefail
args=("\$@"); shard=""
for ((k = 0; k < \${#args[@]}; k++)); do [ "\${args[k]}" = --shard ] && shard="\${args[k+1]}"; done
echo "\$*" > "$tmp/out/\$SLURM_JOB_NAME-\${SLURM_ARRAY_TASK_ID:-none}.args"
if [ -n "\$shard" ]; then "$c3d" shard-info --shard "\$shard" --inputs 10 > "$tmp/out/\$SLURM_JOB_NAME-\$SLURM_ARRAY_TASK_ID.json"; exit 2; fi
STUB
chmod +x "$tmp/c3d-stub"
export C3D="$tmp/c3d-stub"
sbatch_wait pre 1-3 "$root/deploy/slurm/preprocess.sbatch" /videos /frames --split group && check_shards pre 3
grep -qx -- "preprocess --videos /videos --out /frames --shard auto --split group" "$tmp/out/pre-1.args"
sbatch_wait feat 1-3 "$root/deploy/slurm/features.sbatch" /features '/videos/*/*.avi' --layer fc7 && check_shards feat 3
grep -qx -- "features /videos/\*/\*.avi --layer fc7 --out /features --shard auto" "$tmp/out/feat-2.args"
# A resubmit of shards 2 and 3 of 3 names them; then the merge runs after the array (afterok) as deploy/slurm/merge.sbatch says.
jobid=$(SHARDS=3 sbatch --parsable --job-name=again --array=2,3 --ntasks=1 --chdir="$root" --output="$tmp/out/again-%a.log" \
        "$root/deploy/slurm/preprocess.sbatch" /videos /frames)
timeout "$timeout_s" sbatch --wait --quiet --job-name=merge --dependency="afterok:$jobid" --chdir="$root" --output="$tmp/out/merge.log" \
        "$root/deploy/slurm/merge.sbatch" /frames
/usr/bin/env python3 - "$tmp/out" <<'PY'
import json, os, sys
folder = sys.argv[1]
got = {t: json.load(open(os.path.join(folder, f"again-{t}.json")))["shard"] for t in (2, 3)}
assert got == {2: 2, 3: 3}, f"resubmitted tasks resolved to {got}"
assert open(os.path.join(folder, "merge-none.args")).read().strip() == "merge --out /frames"
print("  again: --array=2,3 with SHARDS=3 -> shards 2/3 and 3/3; merge.sbatch ran after it (afterok): c3d merge --out /frames")
PY
unset C3D

if [ $# -gt 0 ]; then
  job="$1"; shift
  echo "slurm: $job as a job array (${TEST_ARRAY:-1-3})"
  if ! sbatch_wait "$(basename "$job" .sbatch)" "${TEST_ARRAY:-1-3}" "$job" "$@"; then
    echo "test-local.sh: $job failed; its task logs:" >&2
    tail -n 20 "$tmp"/out/*.log >&2
    exit 1
  fi
  echo "  $job: every task exited 0"
fi
echo "slurm: all checks passed"
