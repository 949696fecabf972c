#!/usr/bin/env python3
"""The Kubernetes manifests of deploy/k8s, checked without a cluster: kubectl renders the folder
with kustomize and reads each file as the API objects it declares (--local: no API server), the load Job is an Indexed Job whose
completions, parallelism and SEGMENTS agree, and then each segment runs here as a local process
with exactly the arguments and environment its pod would get (the downward-API values filled
as the Job controller fills them, $(VAR) expanded as the kubelet does, the ConfigMap and the
results volume as folders), against the reference store; the merge Job's command runs next.
The merged result must hold every segment, add their requests up exactly, and count the
iterations the whole schedule starts. Last the capacity Job's segments run the same way: they
meet in the results volume after every step, end 0 and write the same result, each step
judged on every segment's window.

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


def prepared_job(name, start_at):
    """The Job in deploy/k8s/name as the docs have users prepare it: the start time and the
    image set locally by kubectl (no cluster)."""
    prepared = subprocess.run(["kubectl", "set", "env", "--local", "-o", "yaml", "-f",
                               os.path.join(DEPLOY, name), "START_AT=" + start_at],
                              capture_output=True, text=True, timeout=60)
    check(prepared.returncode == 0, "kubectl set env --local: %s" % prepared.stderr)
    return items(kubectl(["set", "image", "--local", "-f", "-", "storecheck=storecheck:test"],
                         prepared.stdout))


def start_in(seconds):
    at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def run_pods(job, uid, here):
    """Each pod of the Indexed Job as a local process with its arguments and environment."""
    container = job["spec"]["template"]["spec"]["containers"][0]
    procs = []
    for i in range(job["spec"]["completions"]):
        env = pod_env(container, i, uid)
        args = [local(expand(a, env), here) for a in container["args"]]
        procs.append(subprocess.Popen([tr.BIN] + args, env=dict(os.environ, **env),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
    return procs


def check_capacity(results_dir, here):
    """The capacity Job's segments, run as its pods would be: the same search in every one."""
    job = only(prepared_job("capacity-job.yaml", start_in(3)), "Job", "storecheck-capacity")
    if not job:
        return
    spec = job["spec"]
    n = spec["completions"]
    container = spec["template"]["spec"]["containers"][0]
    check(spec.get("completionMode") == "Indexed" and spec.get("parallelism") == n and
          pod_env(container, 0, "x").get("SEGMENTS") == str(n),
          "the capacity Job is Indexed, all %d segments at once: %s" % (n, spec))
    uid = str(uuid.uuid4())
    for i, p in enumerate(run_pods(job, uid, here)):
        out, err = p.communicate(timeout=60)
        check(p.returncode == 0, "capacity segment %d/%d ended 0 (exit %d): %s" %
              (i, n, p.returncode, err[-1500:]))
    texts = [open(os.path.join(results_dir, "capacity-%d.json" % i)).read()
             if os.path.exists(os.path.join(results_dir, "capacity-%d.json" % i)) else None
             for i in range(n)]
    if not check(None not in texts and len(set(texts)) == 1,
                 "every capacity segment wrote the same result"):
        return
    doc = json.loads(texts[0])
    check(doc["verdict"]["end"] == "at_max_rate" and doc["passed"] is True,
          "the search held the max rate: %s" % doc["verdict"])
    for k, st in enumerate(doc["steps"], 1):
        step_dir = os.path.join(results_dir, uid, "step-%d" % k)
        parts = [json.load(open(os.path.join(step_dir, "segment-%d.json" % i)))
                 for i in range(n)]
        got = sum(p["totals"]["requests"] for p in parts)
        check(got == st["requests"] and got > 0,
              "step %d is judged on all %d segments' windows: %d vs %d" %
              (k, n, got, st["requests"]))


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
capacity:
  start: 20/s
  step_factor: 2
  warmup: 0s
  step_duration: 1s
  max_rate: 40/s
  max_steps: 3
""".format(http=store.ports["http"]))


def main():
    if not shutil.which("kubectl"):
        print("kubectl is not installed: skipped (scripts/install-deps.sh --tests installs it)",
              file=sys.stderr)
        return tr.SKIP
    start_at = start_in(3)

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
    objs += prepared_job("load-job.yaml", start_at)
    objs += prepared_job("capacity-job.yaml", start_at)
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
        # Prepared again with a start time counted from now: the checks above and the store's
        # start must not eat into the pods' margin.
        load = only(prepared_job("load-job.yaml", start_in(3)), "Job", "storecheck-load")
        if not load:
            return 1
        procs = run_pods(load, uid, here)
        for i, p in enumerate(procs):
            out, err = p.communicate(timeout=SECONDS + 60)
            check(p.returncode == 0, "segment %d/%d ended 0 (exit %d): %s" %
                  (i, n, p.returncode, err))
        segs = sorted(f for f in os.listdir(results_dir) if f.startswith("segment-"))
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
        check_capacity(results_dir, here)
    finally:
        store.stop()
    if tr.failures:
        print("%d check(s) failed; files kept in %s" % (len(tr.failures), work), file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("ok: %d segments as the manifests run them, merged; the capacity search split" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
