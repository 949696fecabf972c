#!/usr/bin/env bash
# Cross-check storecheck's certificate-depth verdicts with testssl.sh's server defaults
# (`testssl -S`: chain of trust and order, key, signature, extended key usage, OCSP stapling
# and revocation, must-staple, certificate transparency, CAA) on the same servers: the nginx
# cases of tests/probes/test_cert_depth_servers.py (a hardened one and one weak one per
# property), and the CAA hosts of tests/probes/test_caa_dns.py (dnsmasq, a private
# resolv.conf; as root with unshare, else CAA is not compared), started by those tests' own
# helpers. For each server and topic it prints both
# verdicts as ok/bad (n/a: not applicable; undecided: testssl could not check a staple) and
# whether they agree, then the agreement over what testssl decided and the time ratio
# (testssl's time over storecheck's, measured here in the same run).
#
# Usage: bench/cert-crosscheck.sh [BUILD_DIR]     (default: ./build)
# Exit: 0 full agreement, 1 disagreements, 2 a tool is missing.
# Everything listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
[ -x "$build/checker/storecheck" ] || { echo "missing $build/checker/storecheck: build first" >&2; exit 2; }
testssl=$(command -v testssl || command -v testssl.sh || true)
[ -n "$testssl" ] || { echo "missing testssl.sh (Debian testssl.sh)" >&2; exit 2; }
for tool in nginx python3 faketime; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
mkdir -p "$build/tests/probes"

export PYTHONDONTWRITEBYTECODE=1 STORECHECK_BIN=$build/checker/storecheck STORECHECK_SOURCE_DIR=$src \
  STORECHECK_BUILD_DIR=$build TESTSSL=$testssl
exec python3 - <<'PY'
import json, os, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "probes"))
import test_cert_depth_servers as cd  # the cases and their nginx
import test_caa_dns as caa  # dnsmasq with CAA records, a private resolv.conf

TOPICS = ["chain", "usage", "stapling", "must-staple", "ct"]
PROBE = {"chain": "S-TLS-CHAIN", "usage": "S-TLS-CERT-USAGE", "stapling": "S-TLS-OCSP",
         "must-staple": "S-TLS-MUST-STAPLE", "ct": "S-TLS-CT"}


def ours(checks):
    """ok/bad/n/a per topic: a fail is bad; stapling is ok only on a pass (a good, fresh
    staple); must-staple is n/a when the certificate does not ask for it; CT is bad without
    SCTs (a warning for a private CA's certificate included)."""
    v = {}
    for t, p in PROBE.items():
        st, why = checks.get(p, {}).get("status"), checks.get(p, {}).get("reason") or ""
        if t == "must-staple" and st == "skip":
            v[t] = "n/a"
        elif t == "stapling":
            v[t] = "ok" if st == "pass" else "bad"
        elif t == "ct":
            v[t] = "bad" if st in ("fail", "error") or why.startswith("no SCTs") else "ok"
        else:
            v[t] = "bad" if st in ("fail", "error") else "ok"
    return v


def theirs(findings):
    f = {x["id"]: x for x in findings}
    sev = lambda i: f.get(i, {}).get("severity", "")
    txt = lambda i: f.get(i, {}).get("finding", "")
    bad_sev = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
    # testssl reports a leaf without serverAuth as a chain of trust failed for its purpose.
    purpose = "purpose" in txt("cert_chain_of_trust")
    v = {}
    v["chain"] = "bad" if ((sev("cert_chain_of_trust") in bad_sev and not purpose) or
                           txt("certs_list_ordering_problem").startswith("yes")) else "ok"
    v["usage"] = "bad" if (sev("cert_signatureAlgorithm") in bad_sev or
                           sev("cert_keySize") in bad_sev or purpose or
                           "Server Auth" not in txt("cert_extKeyUsage")) else "ok"
    # Stapled, but testssl could not check the response (it needs the issuer): undecided.
    offered, revoked = txt("OCSP_stapling").startswith("offered"), txt("cert_ocspRevoked")
    v["stapling"] = "undecided" if offered and not revoked else \
        "ok" if offered and revoked.startswith("not revoked") else "bad"
    # testssl names the extension; honoured means stapled with a staple it takes as good.
    ms = txt("cert_mustStapleExtension")
    v["must-staple"] = "n/a" if ms in ("", "--") else \
        "bad" if sev("cert_mustStapleExtension") in bad_sev or v["stapling"] == "bad" \
        else v["stapling"]
    v["ct"] = "ok" if txt("certificate_transparency").startswith("yes") else "bad"
    v["_raw"] = "; ".join("%s=%s" % (i, txt(i)) for i in (
        "cert_chain_of_trust", "certs_list_ordering_problem", "OCSP_stapling",
        "cert_ocspRevoked", "cert_mustStapleExtension", "certificate_transparency",
        "DNS_CAArecord"))
    return v


work = tempfile.mkdtemp(prefix="cert-crosscheck-")
pki = cd.certdepth(work)
root = os.path.join(pki, "root.pem")
proc, ports = cd.start_nginx(work, pki)
agree = total = undecided = 0
t_sc = t_ts = 0.0
try:
    for name, port in ports.items():
        t0 = time.monotonic()
        checks, _ = cd.audit(work, name, port, root)
        t_sc += time.monotonic() - t0
        out = os.path.join(work, name + ".testssl.json")
        t0 = time.monotonic()
        subprocess.run([os.environ["TESTSSL"], "--quiet", "--color", "0", "--warnings", "off",
                        "-S", "--add-ca", root, "--jsonfile", out, "127.0.0.1:%d" % port],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        t_ts += time.monotonic() - t0
        a, b = ours(checks), theirs(json.load(open(out)) if os.path.exists(out) else [])
        row = []
        differ = [t for t in TOPICS if a[t] != b[t] and b[t] != "undecided"]
        for t in TOPICS:
            undecided += b[t] == "undecided"
            total += b[t] != "undecided"
            agree += a[t] == b[t]
            row.append("%s %s/%s%s" % (t, a[t], b[t], " DISAGREE" if t in differ else ""))
        print("%-10s %s" % (name, "; ".join(row)))
        if differ:
            print("%-10s   testssl: %s" % ("", b["_raw"]))
            for t in differ:
                c = checks.get(PROBE[t], {})
                print("%-10s   storecheck %s: %s %s" % ("", PROBE[t], c.get("status"),
                                                     c.get("reason")))
finally:
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)

def caa_records(check_doc):
    """ok when the host has CAA records up its tree (a pass or a warning), bad when none."""
    return "bad" if check_doc.get("status") in ("fail", "error") else "ok"


# CAA: each host through dnsmasq, both tools in the same private mount namespace (the TLS
# server is the same for all; testssl's --ip connects to it whatever the name).
why = caa.usable()
if why:
    print("CAA: not compared (%s)" % why)
else:
    work = tempfile.mkdtemp(prefix="cert-crosscheck-caa-")
    addr, port, procs = caa.start(work)
    try:
        for host in ("shop.test", "www.inherit.test", "alias.test", "nobody.test",
                     "www.none.test"):
            t0 = time.monotonic()
            got, _ = caa.audit(work, host, port, addr, host)
            t_sc += time.monotonic() - t0
            out = os.path.join(work, host + ".testssl.json")
            t0 = time.monotonic()
            caa.namespaced(work, host, addr, [os.environ["TESTSSL"], "--quiet", "--color", "0",
                                              "--warnings", "off", "-S", "--ip", "127.0.0.1",
                                              "--jsonfile", out, "https://%s:%d" % (host, port)],
                           timeout=600)
            t_ts += time.monotonic() - t0
            found = {f["id"]: f["finding"] for f in
                     (json.load(open(out)) if os.path.exists(out) else [])}
            theirs_caa = found.get("DNS_CAArecord", "")
            a, b = caa_records(got), "bad" if theirs_caa in ("", "--") else "ok"
            agree += a == b
            total += 1
            print("%-16s caa %s/%s%s" % (host, a, b, "" if a == b else " DISAGREE"))
            if a != b:
                print("%-16s   testssl: %s; storecheck S-CAA: %s %s" % (
                    "", theirs_caa, got.get("status"), got.get("reason")))
    finally:
        caa.stop(procs)
        shutil.rmtree(work, ignore_errors=True)
print("agreement: %d of %d verdicts testssl decided (%.0f%%); %d it left undecided" %
      (agree, total, 100.0 * agree / max(total, 1), undecided))
print("time: storecheck %.2f s, testssl -S %.1f s, ratio %.0fx" % (t_sc, t_ts,
                                                                  t_ts / max(t_sc, 1e-6)))
sys.exit(0 if agree == total else 1)
PY
