#!/usr/bin/env python3
"""The Kubernetes manifests of deploy/k8s, checked without a cluster: kubectl renders the folder
with kustomize and reads each file as the API objects it declares (--local: no API server), the load Job is an Indexed Job whose
completions, parallelism and SEGMENTS agree, and then each segment runs here as a local process
with exactly the arguments and environment its pod would get (the downward-API values filled
as the Job controller fills them, $(VAR) expanded as the kubelet does, the ConfigMap and the
results volume as folders), against the reference store; the merge Job's command runs last.
The merged result must hold every segment, add their requests up exactly, and count the
iterations the whole schedule starts.

usage: test_k8s_manifests.py
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest); without
kubectl the test exits 77 (skip): scripts/install-deps.sh --tests installs it."""
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "reports"))
import test_run as tr  # noqa: E402  the reference store, running storecheck

check = tr.check
DEPLOY = os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "deploy", "k8s")
RATE, SECONDS = 30, 4


def kubectl(args, stdin=None):
    """kubectl's JSON output for args, run without a cluster; None when it fails."""
    r = subprocess.run(["kubectl"] + args + ["-o", "json"], input=stdin, capture_output=True,
                       text=True, timeout=60)
    check(r.returncode == 0, "kubectl %s: %s" % (" ".join(args), r.stderr))
    if r.returncode != 0:
        return None
    return json.loads(r.stdout)


def items(doc):
    if doc is None:
        return []
    return doc["items"] if doc.get("kind") == "List" else [doc]


def only(objs, kind, name):
    found = [o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name]
    check(len(found) == 1, "one %s %s: %s" % (kind, name, [o["metadata"] for o in objs]))
    return found[0] if found else None


def pod_env(container, index, uid):
    """The container's environment as its pod gets it: values as written, downward-API fields
    as the Job controller sets them on an Indexed Job's pods."""
    fields = {"metadata.annotations['batch.kubernetes.io/job-completion-index']": str(index),
              "metadata.labels['batch.kubernetes.io/controller-uid']": uid}
    env = {}
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
        else:
            path = e["valueFrom"]["fieldRef"]["fieldPath"]
            check(path in fields, "%s comes from a field the Job sets: %s" % (e["name"], path))
            env[e["name"]] = fields.get(path, "")
    return env


def expand(arg, env):
    """$(VAR) as the kubelet expands it in command and args; $$ is a literal $."""
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                  lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), arg)


def local(arg, mounts):
    """A path inside the pod, as the folder that stands for its volume here."""
    for inside, here in mounts.items():
        arg = arg.replace(inside, here)
    return arg


def write_config(store, folder):
    """The ConfigMap's files: a scenario config and the open profile it names by its path in
    the pod."""
    open(os.path.join(folder, "profile.yaml"), "w").write(
        "model: open\nstart_rate: {r}\nstages:\n  - {{ duration: {s}s, rate: {r} }}\n"
        "pre_allocated_vus: 20\n"
        "max_vus: 50\ntimeout: 5s\nmix: {{ browse: 3, search: 1 }}\n".format(s=SECONDS, r=RATE))
    open(os.path.join(folder, "storecheck.yaml"), "w").write("""target:
  base_url: http://127.0.0.1:{http}
  allowed_hosts: [127.0.0.1]
load:
  profile: /etc/storecheck/profile.yaml
  threads: 1
  scenarios:
    browse:
      - {{ name: catalog, path: /api/v1/products }}
    search:
      - {{ name: search, path: "/api/v1/search?q=mug" }}
  thresholds: ["error_rate < 5%"]
""".format(http=store.ports["http"]))


def main():
    if not shutil.which("kubectl"):
        print("kubectl is not installed: skipped (scripts/install-deps.sh --tests installs it)",
              file=sys.stderr)
        return tr.SKIP
    start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)
    start_at = start.strftime("%Y-%m-%dT%H:%M:%SZ")

    # The folder as kustomize renders it, each file as kubectl reads it into API objects (all
    # without a cluster), and the load Job as the docs have users prepare it: the start time
    # and the image set locally by kubectl.
    r = subprocess.run(["kubectl", "kustomize", DEPLOY], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, "kubectl kustomize renders deploy/k8s: %s" % r.stderr)
    objs = []
    for name in ("results-pvc.yaml", "merge-job.yaml"):
        objs += items(kubectl(["label", "--local", "-f", os.path.join(DEPLOY, name),
                               "storecheck-test=1"]))
    prepared = subprocess.run(["kubectl", "set", "env", "--local", "-o", "yaml", "-f",
                               os.path.join(DEPLOY, "load-job.yaml"), "START_AT=" + start_at],
                              capture_output=True, text=True, timeout=60)
    check(prepared.returncode == 0, "kubectl set env --local: %s" % prepared.stderr)
    objs += items(kubectl(["set", "image", "--local", "-f", "-", "storecheck=storecheck:test"],
                          prepared.stdout))
    rendered = sorted((o["kind"], o["metadata"]["name"]) for o in objs)
    check(sorted(re.findall(r"^kind: (\S+)$", r.stdout, re.M)) == [k for k, _ in rendered],
          "kustomize renders the same objects: %s" % rendered)
    pvc = only(objs, "PersistentVolumeClaim", "storecheck-results")
    load = only(objs, "Job", "storecheck-load")
    merge = only(objs, "Job", "storecheck-merge")
    if not (pvc and load and merge):
        return 1
    check("ReadWriteMany" in pvc["spec"]["accessModes"],
          "every segment's pod mounts the results at once: %s" % pvc["spec"])
    spec = load["spec"]
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    n = spec["completions"]
    check(spec.get("completionMode") == "Indexed", "the load Job is Indexed: %s" % spec)
    check(spec.get("parallelism") == n, "every segment runs at once: %s" % spec)
    env0 = pod_env(container, 0, "x")
    check(env0.get("SEGMENTS") == str(n), "SEGMENTS %s = completions %d" %
          (env0.get("SEGMENTS"), n))
    check(pod.get("restartPolicy") == "Never" and spec.get("backoffLimit") == 0,
          "a failed segment is not sent again late: %s" % spec)
    claims = {v["name"]: v for v in pod["volumes"]}
    check(claims["results"]["persistentVolumeClaim"]["claimName"] == "storecheck-results" and
          merge["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"]
          == "storecheck-results", "load and merge share the results claim")
    check(claims["config"]["configMap"]["name"] == "storecheck-config",
          "the config comes from the storecheck-config ConfigMap")
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}

    work = tempfile.mkdtemp(prefix="sc-k8s-", dir=os.path.join(tr.BUILD, "tests"))
    config_dir = os.path.join(work, "config")
    results_dir = os.path.join(work, "results")
    os.makedirs(config_dir)
    os.makedirs(results_dir)
    here = {mounts["config"]: config_dir, mounts["results"]: results_dir}
    store = tr.Refstore(work)
    uid = str(uuid.uuid4())
    try:
        write_config(store, config_dir)
        # The config names its profile by the path inside the pod: that path stands here too.
        text = open(os.path.join(config_dir, "storecheck.yaml")).read()
        open(os.path.join(config_dir, "storecheck.yaml"), "w").write(local(text, here))
        procs = []
        for i in range(n):
            env = pod_env(container, i, uid)
            args = [local(expand(a, env), here) for a in container["args"]]
            procs.append(subprocess.Popen([tr.BIN] + args, env=dict(os.environ, **env),
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True))
        for i, p in enumerate(procs):
            out, err = p.communicate(timeout=SECONDS + 60)
            check(p.returncode == 0, "segment %d/%d ended 0 (exit %d): %s" %
                  (i, n, p.returncode, err))
        segs = sorted(f for f in os.listdir(results_dir) if f.endswith(".json"))
        check(segs == ["segment-%d.json" % i for i in range(n)],
              "each pod wrote its own result: %s" % segs)

        mc = merge["spec"]["template"]["spec"]["containers"][0]
        mmounts = {m["name"]: m["mountPath"] for m in mc["volumeMounts"]}
        mhere = {mmounts["results"]: results_dir}
        command = [local(expand(a, {}), mhere) for a in mc.get("command", []) + mc.get("args", [])]
        check(command[:2] == ["sh", "-c"], "the merge runs through a shell for its glob: %s" %
              command)
        # The pod's shell runs the image's storecheck: the one under test stands in for it.
        m = subprocess.run(command, env=dict(os.environ, PATH=os.path.dirname(tr.BIN) + ":" +
                                             os.environ["PATH"]),
                           capture_output=True, text=True, timeout=60)
        check(m.returncode == 0, "the merge ended 0 (exit %d): %s" % (m.returncode, m.stderr))
        merged_path = os.path.join(results_dir, "merged.json")
        if not check(os.path.exists(merged_path), "the merge wrote merged.json"):
            return 1
        merged = json.load(open(merged_path))
        parts = [json.load(open(os.path.join(results_dir, s))) for s in segs]
        total = sum(p["totals"]["requests"] for p in parts)
        check(merged["totals"]["requests"] == total and total > 0,
              "the merge adds the segments' requests up: %s vs %d" %
              (merged["totals"]["requests"], total))
        for field in ("users", "connections"):
            whole = sum(sec.get(field, 0) for sec in merged["seconds"])
            split = sum(sec.get(field, 0) for p in parts for sec in p["seconds"])
            check(whole == split and split > 0, "the merge adds up each second's %s: %d vs %d" %
                  (field, whole, split))
        run_ids = {p.get("run_id") for p in parts}
        check(run_ids == {uid}, "every segment carries the Job's uid as run id: %s" % run_ids)
        started = sum(sc["started"] for sc in merged["scenarios"])
        check(started == RATE * SECONDS,
              "the segments together start the whole schedule's %d iterations: %s" %
              (RATE * SECONDS, started))
        check(container["image"] == "storecheck:test", "the image is set as the docs say: %s" %
              container["image"])
        check(merged["segment"] == {"index": None, "count": n},
              "the merge holds all %d segments: %s" % (n, merged["segment"]))
        check(sorted(p["segment"]["index"] for p in parts) == list(range(n)),
              "each pod ran its own segment: %s" % [p["segment"] for p in parts])
    finally:
        store.stop()
    if tr.failures:
        print("%d check(s) failed; files kept in %s" % (len(tr.failures), work), file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("ok: %d segments as the manifests run them, merged" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
