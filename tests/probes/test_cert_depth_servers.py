#!/usr/bin/env python3
"""The certificate-depth probes (S-TLS-CHAIN, S-TLS-CERT-USAGE, S-TLS-OCSP, S-TLS-MUST-STAPLE,
S-TLS-CT) against real servers on loopback.

One nginx with a server block per case, each sending a chain built from
tests/certs/make-certdepth.sh's certificates and stapling an OCSP response made there with
`openssl ocsp` (ssl_stapling_file: nginx never contacts a responder): the hardened case passes
all five; each weak case (chain out of order, missing intermediate, unrelated certificate, root
sent, no stapling on a must-staple certificate, revoked or stale staple, no serverAuth, SHA-1
signature at @SECLEVEL=0, no SCT from a private CA, one SCT, an SCT list that does not parse)
fails or warns the probe that judges it, with the reason. Then gnutls-serv stapling with
--ocsp-response, and openssl s_server sending SCTs in the TLS extension (-serverinfo), each
judged like nginx, and s_server sending a self-signed certificate alone.

Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest), nginx, and
faketime for the stale response: without nginx or faketime the test exits 77 (skip);
gnutls-serv's case is skipped alone without gnutls-bin."""
import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "reports"))
import test_run as tr  # noqa: E402  running storecheck, free ports, report checks
import test_stack_fronts as fronts  # noqa: E402  nginx in the foreground, waiting for a port

check = tr.check
PROBES = ["S-TLS-CHAIN", "S-TLS-CERT-USAGE", "S-TLS-OCSP", "S-TLS-MUST-STAPLE", "S-TLS-CT"]

# name: (certificates sent, in order; key; stapled response or None; extra nginx directives)
CASES = {
    "hardened": (["good", "int"], "good", "good-ocsp.der", ""),
    "misordered": (["good", "root", "int"], "good", "good-ocsp.der", ""),
    "incomplete": (["good"], "good", "good-ocsp.der", ""),
    "unrelated": (["good", "int", "other"], "good", "good-ocsp.der", ""),
    "rootsent": (["good", "int", "root"], "good", "good-ocsp.der", ""),
    "nostaple": (["good", "int"], "good", None, ""),
    "revoked": (["good", "int"], "good", "revoked-ocsp.der", ""),
    "stale": (["good", "int"], "good", "stale-ocsp.der", ""),
    "noeku": (["noeku", "int"], "noeku", None, ""),
    "sha1": (["sha1", "int"], "sha1", None, "ssl_ciphers DEFAULT:@SECLEVEL=0;"),
    "nosct": (["plain", "int"], "plain", "plain-ocsp.der", ""),
    "ocspsct": (["plain", "int"], "plain", "sct-ocsp.der", ""),
    "onesct": (["one-sct", "int"], "one-sct", None, ""),
    "badsct": (["bad-sct", "int"], "bad-sct", None, ""),
}

# name: {probe: (status, text the reason must contain)}; probes not named are not judged here.
EXPECT = {
    "hardened": {"S-TLS-CHAIN": ("pass", "sent in order"),
                 "S-TLS-CERT-USAGE": ("pass", "serverAuth"),
                 "S-TLS-OCSP": ("pass", "stapled, good"),
                 "S-TLS-MUST-STAPLE": ("pass", "must-staple honoured"),
                 "S-TLS-CT": ("pass", "2 SCTs from 2 distinct logs")},
    "misordered": {"S-TLS-CHAIN": ("fail", "sent out of order")},
    "incomplete": {"S-TLS-CHAIN": ("fail", "missing intermediate"),
                   "S-TLS-OCSP": ("pass", "stapled, good")},
    "unrelated": {"S-TLS-CHAIN": ("warn", "1 certificate not in the leaf's chain")},
    "rootsent": {"S-TLS-CHAIN": ("warn", "sends the root")},
    "nostaple": {"S-TLS-OCSP": ("warn", "no OCSP response stapled"),
                 "S-TLS-MUST-STAPLE": ("fail", "staples nothing")},
    "revoked": {"S-TLS-OCSP": ("fail", "revoked on"),
                "S-TLS-MUST-STAPLE": ("fail", "revoked on")},
    "stale": {"S-TLS-OCSP": ("fail", "is stale"), "S-TLS-MUST-STAPLE": ("fail", "is stale")},
    "noeku": {"S-TLS-CERT-USAGE": ("fail", "lacks serverAuth"),
              "S-TLS-OCSP": ("skip", "names no OCSP responder"),
              "S-TLS-MUST-STAPLE": ("skip", "does not demand stapling")},
    "sha1": {"S-TLS-CERT-USAGE": ("fail", "signed with SHA1")},
    "nosct": {"S-TLS-CT": ("warn", "does not chain to the system's trust store"), "S-TLS-OCSP": ("pass", "stapled, good"),
              "S-TLS-MUST-STAPLE": ("skip", "does not demand stapling")},
    "ocspsct": {"S-TLS-CT": ("pass", "2 SCTs from 2 distinct logs"),
                "S-TLS-OCSP": ("pass", "stapled, good")},
    "onesct": {"S-TLS-CT": ("warn", "1 SCT from 1 log")},
    "badsct": {"S-TLS-CT": ("fail", "does not parse")},
}


def certdepth(work):
    """A fresh PKI in work (its OCSP responses are good for a day only), and sct-ocsp.der: a
    good response for plain.pem carrying SCTs from two logs."""
    d = os.path.join(work, "pki")
    subprocess.run([os.path.join(tr.SRC, "tests", "certs", "make-certdepth.sh"), d],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(tr.BUILD, "tests", "probes", "ocsp_scts")] +
                   [os.path.join(d, f) for f in ("int.pem", "int.key", "plain.pem",
                                                 "sct-ocsp.der")] + ["f6", "a7"], check=True)
    return d


def chain_file(work, pki, name, certs):
    path = os.path.join(work, "%s-chain.pem" % name)
    with open(path, "w") as f:
        for c in certs:
            f.write(open(os.path.join(pki, c + ".pem")).read())
    return path


def start_nginx(work, pki):
    ports, blocks = {}, []
    for name, (certs, key, staple, extra) in CASES.items():
        ports[name] = tr.free_port()
        blocks.append("""  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {chain};
    ssl_certificate_key {key};
    {stapling}
    {extra}
    location / {{ return 200 "ok\\n"; }}
  }}""".format(port=ports[name], chain=chain_file(work, pki, name, certs),
               key=os.path.join(pki, key + ".key"), extra=extra,
               stapling="ssl_stapling on; ssl_stapling_file %s;" % os.path.join(pki, staple)
               if staple else ""))
    proc = fronts.run_nginx(work, "\n".join(blocks))
    for name, port in ports.items():
        fronts.wait_port(port, proc, "nginx " + name)
    return proc, ports


def audit(work, name, port, ca):
    cfg = os.path.join(work, name + ".yaml")
    out = os.path.join(work, name + ".json")
    open(cfg, "w").write("""target:
  base_url: https://127.0.0.1:{port}
  tls: {{ ca_file: {ca} }}
  timeout: 2s
  endpoints: {{ home: / }}
audit: {{ only: [{only}], probe_timeout: 10s, deadline: 20s }}
reports: {{ json: {out} }}
""".format(port=port, ca=ca, out=out, only=", ".join(PROBES)))
    t0 = time.monotonic()
    r = tr.run(cfg, command="audit")
    elapsed = time.monotonic() - t0
    check(r.returncode in (0, 1, 3), "%s: the audit ran (exit %d): %s" % (name, r.returncode,
                                                                        r.stderr))
    doc = json.load(open(out)) if os.path.exists(out) else {"checks": []}
    return tr.checks_by_id(doc), elapsed


# name: where S-TLS-CT must say both SCTs came from.
SCT_SOURCE = {"hardened": "embedded in the certificate", "ocspsct": "in the stapled OCSP response"}


def sct_sources(name, checks, source):
    details = [e.get("detail") or "" for e in checks.get("S-TLS-CT", {}).get("evidence", [])]
    check(sum(("SCT " + source) in d for d in details) == 2,
          "%s: both SCTs came %s: %s" % (name, source, details))


def judge(name, checks, expect):
    for probe, (status, text) in expect.items():
        got = checks.get(probe, {})
        check(got.get("status") == status and text in (got.get("reason") or ""),
              "%s: %s is %s with '%s': %s %s" % (name, probe, status, text, got.get("status"),
                                                 got.get("reason")))


def test_nginx(work, pki):
    proc, ports = start_nginx(work, pki)
    try:
        for name, port in ports.items():
            checks, elapsed = audit(work, name, port, os.path.join(pki, "root.pem"))
            judge(name, checks, EXPECT[name])
            if name in SCT_SOURCE:
                sct_sources(name, checks, SCT_SOURCE[name])
            print("%s: %s in %.2f s" % (name, ", ".join(
                "%s %s" % (p, checks.get(p, {}).get("status")) for p in PROBES), elapsed),
                file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def start_server(argv, port, what):
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    fronts.wait_port(port, proc, what)
    return proc


def test_gnutls(work, pki):
    """gnutls-serv stapling the good response for the must-staple leaf, and the revoked one."""
    if not shutil.which("gnutls-serv"):
        print("gnutls-serv not installed (Debian gnutls-bin): its case skipped", file=sys.stderr)
        return
    chain = chain_file(work, pki, "gnutls", ["good", "int"])
    for staple, expect in (("good-ocsp.der", {"S-TLS-OCSP": ("pass", "stapled, good"),
                                              "S-TLS-MUST-STAPLE": ("pass", "honoured"),
                                              "S-TLS-CHAIN": ("pass", "sent in order")}),
                           ("revoked-ocsp.der", {"S-TLS-OCSP": ("fail", "revoked on")})):
        port = tr.free_port()
        proc = start_server(["gnutls-serv", "--port", str(port), "--x509certfile", chain,
                             "--x509keyfile", os.path.join(pki, "good.key"),
                             "--ocsp-response", os.path.join(pki, staple),
                             "--ignore-ocsp-response-errors"], port, "gnutls-serv")
        try:
            checks, _ = audit(work, "gnutls-" + staple, port, os.path.join(pki, "root.pem"))
            judge("gnutls " + staple, checks, expect)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def serverinfo_scts(work, logs):
    """A SERVERINFO PEM (openssl s_server -serverinfo) carrying the signed_certificate_timestamp
    extension (18) with one v1 SCT per log id byte."""
    scts = b""
    for log in logs:
        sig = bytes(64)
        sct = (b"\x00" + bytes([log]) * 32 + struct.pack(">Q", int(time.time() * 1000)) +
               b"\x00\x00\x04\x03" + struct.pack(">H", len(sig)) + sig)
        scts += struct.pack(">H", len(sct)) + sct
        body = struct.pack(">H", len(scts)) + scts
    ext = struct.pack(">HH", 18, len(body)) + body
    path = os.path.join(work, "scts.pem")
    open(path, "w").write("-----BEGIN SERVERINFO FOR signed_certificate_timestamp-----\n%s\n"
                          "-----END SERVERINFO FOR signed_certificate_timestamp-----\n"
                          % base64.encodebytes(ext).decode().strip())
    return path


def test_sct_extension(work, pki):
    """SCTs in the TLS extension only (the plain leaf embeds none), from openssl s_server."""
    port = tr.free_port()
    proc = start_server(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-www",
                         "-tls1_2", "-cert", os.path.join(pki, "plain.pem"),
                         "-key", os.path.join(pki, "plain.key"),
                         "-cert_chain", os.path.join(pki, "int.pem"),
                         "-serverinfo", serverinfo_scts(work, [0xd4, 0xe5])], port,
                        "openssl s_server")
    try:
        checks, _ = audit(work, "sct-extension", port, os.path.join(pki, "root.pem"))
        judge("s_server SCT extension", checks,
              {"S-TLS-CT": ("pass", "2 SCTs from 2 distinct logs")})
        sct_sources("s_server", checks, "in the TLS extension")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_self_signed(work, pki):
    """A self-signed certificate alone: no chain to order; its trust is S-TLS-CERT's finding."""
    port = tr.free_port()
    proc = start_server(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-www",
                         "-cert", os.path.join(pki, "other.pem"),
                         "-key", os.path.join(pki, "other.key")], port, "openssl s_server")
    try:
        checks, _ = audit(work, "self-signed", port, os.path.join(pki, "root.pem"))
        judge("s_server self-signed", checks,
              {"S-TLS-CHAIN": ("pass", "a self-signed certificate: there is no chain")})
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main():
    if not shutil.which("nginx") or not shutil.which("faketime"):
        print("nginx or faketime not installed: skipped", file=sys.stderr)
        return tr.SKIP
    work = tempfile.mkdtemp(prefix="sc-certdepth-", dir=os.path.join(tr.BUILD, "tests",
                                                                       "probes"))
    pki = certdepth(work)
    test_nginx(work, pki)
    test_gnutls(work, pki)
    test_sct_extension(work, pki)
    test_self_signed(work, pki)
    return tr.finish(work)


if __name__ == "__main__":
    sys.exit(main())
