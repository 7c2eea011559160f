#!/usr/bin/env python3
"""Reads deploy/kubernetes/*.yaml against the Indexed Job conventions and the c3d commands they run.

Checks what `kubectl apply` cannot: an Indexed Job's `completions` equals the N of its `--shard auto/N`, parallelism
is at most completions, pods restart by replacement (restartPolicy Never or OnFailure), every pod mounts the one
ReadWriteMany claim at the same path, and each merge Job merges the folder its shard Job writes. Needs python3-yaml.
"""
import glob
import os
import sys

import yaml

here = os.path.dirname(os.path.abspath(__file__))
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


docs = {}
for path in sorted(glob.glob(os.path.join(here, "*.yaml"))):
    with open(path) as f:
        loaded = [d for d in yaml.safe_load_all(f) if d]
    check(len(loaded) == 1, f"{path}: expected one object, found {len(loaded)}")
    docs[os.path.basename(path)] = loaded[0]

pvc = docs.get("data-pvc.yaml", {})
check(pvc.get("kind") == "PersistentVolumeClaim", "data-pvc.yaml: not a PersistentVolumeClaim")
check("ReadWriteMany" in pvc.get("spec", {}).get("accessModes", []), "data-pvc.yaml: shards on several nodes need ReadWriteMany")
claim = pvc.get("metadata", {}).get("name")


def pod_args(name, job):
    spec = job["spec"]["template"]["spec"]
    check(spec.get("restartPolicy") in ("Never", "OnFailure"), f"{name}: restartPolicy must be Never or OnFailure")
    containers = spec["containers"]
    check(len(containers) == 1, f"{name}: one container expected")
    c = containers[0]
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in spec.get("volumes", [])}
    check(any(volumes.get(v) == claim and p == "/data" for v, p in mounts.items()), f"{name}: the claim {claim} must be mounted at /data")
    return [str(a) for a in c["args"]]


def option(args, name):
    return args[args.index(name) + 1] if name in args else None


outs = {}
for name, job in docs.items():
    if job.get("kind") != "Job":
        continue
    check(job.get("apiVersion") == "batch/v1", f"{name}: apiVersion batch/v1 expected")
    args = pod_args(name, job)
    spec = job["spec"]
    if name.endswith("-merge-job.yaml"):
        check(args[:2] == ["merge", "--out"] and len(args) == 3, f"{name}: expected args [merge, --out, DIR], got {args}")
        outs.setdefault(name.replace("-merge-job.yaml", ""), {})["merge"] = args[2]
        continue
    verb = args[0]
    check(verb in ("preprocess", "features", "predict"), f"{name}: unexpected verb {verb}")
    check(spec.get("completionMode") == "Indexed", f"{name}: completionMode must be Indexed")
    n = spec.get("completions")
    check(isinstance(n, int) and n >= 1, f"{name}: completions must be a positive integer")
    check(spec.get("parallelism", 1) <= n, f"{name}: parallelism above completions")
    shard = option(args, "--shard")
    check(shard == f"auto/{n}", f"{name}: --shard must be auto/{n} (completions {n}), got {shard}")
    outs.setdefault(name.replace("-job.yaml", ""), {})["shards"] = option(args, "--out")

for job, pair in outs.items():
    check(pair.get("shards") is not None and pair.get("shards") == pair.get("merge"),
          f"{job}: the merge Job merges {pair.get('merge')} but the shards write {pair.get('shards')}")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"deploy/kubernetes: {len(docs)} manifests follow the Indexed Job conventions ({', '.join(sorted(outs))})")
