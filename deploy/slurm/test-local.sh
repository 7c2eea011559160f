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

# The deploy/ job scripts with the real c3d (C3D=./c3d, built above) on generated videos: preprocess and features as
# job arrays of 3, each merged by merge.sbatch after its array (afterok), compared with one unsharded run of each.
echo "slurm: deploy/slurm/*.sbatch with the real c3d on generated videos"
export C3D="$c3d"
data="$tmp/data"
"$c3d" generate-data --out "$data/videos" --classes 2 --videos-per-class 3 --frames 24 --width 64 --height 48 --jobs 1 >/dev/null
frames=(--width 56 --height 42 --jobs 1)
checkpoint="$root/tests/C3dNet.Tests/Fixtures/motion_narrow.pth.tar"
# submit_and_merge NAME OUT SCRIPT ARGS...: the array 1-3 of SCRIPT, then merge.sbatch OUT once every task succeeded.
submit_and_merge() {
  local name=$1 out=$2 script=$3; shift 3
  local jobid
  jobid=$(sbatch --parsable --job-name="$name" --array=1-3 --ntasks=1 --cpus-per-task=1 --chdir="$root" \
          --output="$tmp/out/$name-%a.log" "$script" "$@")
  timeout "$timeout_s" sbatch --wait --quiet --job-name="$name-merge" --dependency="afterok:$jobid" --cpus-per-task=1 \
          --chdir="$root" --output="$tmp/out/$name-merge.log" "$root/deploy/slurm/merge.sbatch" "$out"
  grep -q "merged 3 shards" "$tmp/out/$name-merge.log"
}
submit_and_merge pre "$data/frames" "$root/deploy/slurm/preprocess.sbatch" "$data/videos" "$data/frames" "${frames[@]}"
submit_and_merge feat "$data/features" "$root/deploy/slurm/features.sbatch" "$data/features" "$data/videos/*/*.avi" --checkpoint "$checkpoint"
"$c3d" preprocess --videos "$data/videos" --out "$data/one-frames" "${frames[@]}" >/dev/null
"$c3d" features "$data/videos/*/*.avi" --checkpoint "$checkpoint" --out "$data/one-features" >/dev/null 2>&1
# Frames, labels.txt, .npy files: the same bytes; the manifests and indexes: the same documents (timing fields aside).
diff -r -x shards -x manifest.json "$data/one-frames" "$data/frames"
diff -r -x shards -x index.json "$data/one-features" "$data/features"
/usr/bin/env python3 - "$data" <<'PY'
import json, os, sys
data = sys.argv[1]
timing = {"seconds", "started_utc", "finished_utc", "elapsed", "videos_per_second"}
def load(path):
    def strip(x):
        if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if k not in timing}
        if isinstance(x, list): return [strip(v) for v in x]
        return x
    return strip(json.load(open(path)))
for one, merged in (("one-frames/manifest.json", "frames/manifest.json"), ("one-features/index.json", "features/index.json")):
    a, b = load(os.path.join(data, one)), load(os.path.join(data, merged))
    assert a == b, f"{merged} differs from the unsharded {one}"
manifest = load(os.path.join(data, "frames/manifest.json"))
done = sum(v["status"] == "done" for v in manifest["videos"])
print(f"  pre, feat: 3 array tasks each, merged after them (afterok): frames ({done} videos), manifest.json, labels.txt, "
      f"index.json and .npy files equal to one unsharded run")
PY
# A resubmit of shards 2 and 3 of 3 (SHARDS=3 names them): they find their work done, and the merge runs again.
jobid=$(SHARDS=3 sbatch --parsable --job-name=again --array=2,3 --ntasks=1 --cpus-per-task=1 --chdir="$root" \
        --output="$tmp/out/again-%a.log" "$root/deploy/slurm/preprocess.sbatch" "$data/videos" "$data/frames" "${frames[@]}")
timeout "$timeout_s" sbatch --wait --quiet --job-name=again-merge --dependency="afterok:$jobid" --cpus-per-task=1 --chdir="$root" \
        --output="$tmp/out/again-merge.log" "$root/deploy/slurm/merge.sbatch" "$data/frames"
for t in 2 3; do tr '\n' ' ' < "$tmp/out/again-$t.log" | grep -q "0 videos extracted.*2 already complete"; done
grep -q "merged 3 shards" "$tmp/out/again-merge.log"
diff -r -x shards "$data/one-frames" "$data/frames"
echo "  again: --array=2,3 with SHARDS=3 resumed shards 2/3 and 3/3 (nothing left to do); merge.sbatch ran after them"
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
