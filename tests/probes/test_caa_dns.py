#!/usr/bin/env python3
"""S-CAA through the system resolver against a real DNS server: dnsmasq on a loopback address
serving CAA records (--dns-rr) under .test, and storecheck run in a private mount namespace
whose /etc/resolv.conf names that server (the machine's own resolver is never touched). Each
verdict: CAA on the host (pass), inherited from a parent (pass), through a CNAME (pass), a
critical unknown property (warn), issue ";" (warn), iodef only (warn), none up the tree
(fail), an IP or loopback host (skip), a resolver that does not answer (error, in bounded
time), and Ctrl-C while a query waits on a server that never answers (the audit ends at once).

Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest), dnsmasq
(Debian dnsmasq-base), and root with unshare for the mount namespace: without them the test
exits 77 (skip)."""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "reports"))
import test_run as tr  # noqa: E402  running storecheck, certificates
import test_stack_fronts as fronts  # noqa: E402  waiting for a port

check = tr.check

RECORDS = [("shop.test", 0, "issue", "letsencrypt.org"),
           ("shop.test", 0, "iodef", "mailto:security@shop.test"),
           ("inherit.test", 0, "issue", "pki.goog; cansignhttpexchanges=yes"),
           ("critical.test", 128, "tbs", "Unknown"),
           ("nobody.test", 0, "issue", ";"),
           ("iodefonly.test", 0, "iodef", "https://report.iodefonly.test/")]

# host: (status, text in the reason)
EXPECT = {
    "shop.test": ("pass", "CAA at shop.test: only letsencrypt.org may issue"),
    "www.inherit.test": ("pass", "CAA at inherit.test (inherited): only pki.goog may issue"),
    "alias.test": ("pass", "only letsencrypt.org may issue for alias.test"),
    "critical.test": ("warn", "mark tbs critical"),
    "nobody.test": ("warn", "allow no CA at all"),
    "iodefonly.test": ("warn", "have no issue property"),
    "www.none.test": ("fail", "no CAA records for www.none.test or any parent domain"),
    "127.0.0.1": ("skip", "is an IP address"),
    "localhost": ("skip", "is a loopback name"),
}


def rdata_hex(flags, tag, value):
    b = bytes([flags, len(tag)]) + tag.encode() + value.encode()
    return ":".join("%02x" % x for x in b)


def start_dnsmasq(addr):
    args = ["dnsmasq", "--no-daemon", "--no-resolv", "--no-hosts", "--bind-interfaces",
            "--listen-address=" + addr, "--port=53", "--local=/test/",
            "--cname=alias.test,shop.test"]
    args += ["--dns-rr=%s,257,%s" % (name, rdata_hex(f, t, v)) for name, f, t, v in RECORDS]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 10
    while time.monotonic() < end and proc.poll() is None:
        if caa_answers(addr, "shop.test"):
            return proc
        time.sleep(0.1)
    check(False, "dnsmasq answers on %s" % addr)
    return proc


def caa_answers(addr, name):
    """How many records a CAA query for name at addr:53 answers (0 when none in 0.5 s)."""
    query = struct.pack(">HHHHHH", 0x5343, 0x0100, 1, 0, 0, 0) + b"".join(
        bytes([len(label)]) + label.encode() for label in name.split(".")) + \
        b"\x00" + struct.pack(">HH", 257, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        try:
            s.sendto(query, (addr, 53))
            answer = s.recv(4096)
        except OSError:
            return 0
    return struct.unpack(">H", answer[6:8])[0] if len(answer) >= 12 else 0


def namespaced(work, name, resolver, argv):
    """The command line running argv in a private mount namespace whose /etc/resolv.conf names
    resolver and whose /etc/hosts maps every name here to 127.0.0.1 (the resolver's CAA queries
    never read /etc/hosts; connecting to the target does). argv keeps the process's id."""
    resolv = os.path.join(work, name + ".resolv.conf")
    open(resolv, "w").write("nameserver %s\noptions timeout:1 attempts:1\n" % resolver)
    hosts = os.path.join(work, "hosts")
    open(hosts, "w").write("127.0.0.1 localhost %s\n" % " ".join(EXPECT))
    script = ('mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && '
              'exec "$@"')
    return ["unshare", "--mount", "sh", "-c", script, "sh", resolv, hosts] + argv


def caa_config(work, host, port, name):
    cfg = os.path.join(work, name + ".yaml")
    out = os.path.join(work, name + ".json")
    open(cfg, "w").write("""target:
  base_url: https://{host}:{port}
  timeout: 2s
  endpoints: {{ home: / }}
audit: {{ only: [S-CAA], probe_timeout: 10s, deadline: 20s }}
reports: {{ json: {out} }}
""".format(host=host, port=port, out=out))
    return cfg, out


def audit(work, host, port, resolver, name):
    """S-CAA alone for https://host:port/ through resolver; the check and the time taken."""
    cfg, out = caa_config(work, host, port, name)
    t0 = time.monotonic()
    r = subprocess.run(namespaced(work, name, resolver, [tr.BIN, "audit", cfg]),
                       capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - t0
    check(r.returncode in (0, 1, 3), "%s: the audit ran (exit %d): %s" % (name, r.returncode,
                                                                        r.stderr))
    doc = json.load(open(out)) if os.path.exists(out) else {"checks": []}
    return tr.checks_by_id(doc).get("S-CAA", {}), elapsed


def usable():
    """dnsmasq, unshare and a mount namespace are here: else why not, for a skip."""
    if not shutil.which("dnsmasq") or not shutil.which("unshare") or os.geteuid() != 0:
        return "dnsmasq, unshare or root missing"
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        return "no mount namespace here"
    return None


def start(work):
    """dnsmasq on an address of 127/8 of this run's own (so that port 53 is free there) and a
    TLS server on 127.0.0.1: (dns address, port, the processes)."""
    addr = "127.53.%d.%d" % (os.getpid() // 250 % 250 + 1, os.getpid() % 250 + 1)
    dns = start_dnsmasq(addr)
    port = tr.free_port()
    server = subprocess.Popen(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-www",
                               "-cert", os.path.join(tr.certs(), "server.pem"),
                               "-key", os.path.join(tr.certs(), "server.key")],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    fronts.wait_port(port, server, "openssl s_server")
    return addr, port, [server, dns]


def stop(procs):
    for p in procs:
        p.terminate()
        p.wait(timeout=10)


def interrupt_mid_query(work, port, mute):
    """A DNS server at mute that takes queries and never answers: the resolver would wait its
    5 s per try. Ctrl-C 1.5 s in ends the audit within a second, S-CAA interrupted."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((mute, 53))
    try:
        cfg, out = caa_config(work, "shop.test", port, "interrupted")
        proc = subprocess.Popen(namespaced(work, "interrupted", mute, [tr.BIN, "audit", cfg]),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        elapsed = time.monotonic() - t0
        check(code == 3, "interrupted: exit 3 (interrupted): %d %s" % (code, proc.stderr.read()))
        check(elapsed < 1.0, "interrupted: the audit ended %.2f s after Ctrl-C" % elapsed)
        doc = json.load(open(out)) if os.path.exists(out) else {"checks": []}
        got = tr.checks_by_id(doc).get("S-CAA", {})
        check(got.get("status") == "skip" and "interrupted" in (got.get("reason") or ""),
              "interrupted: S-CAA skipped as interrupted: %s %s" % (got.get("status"),
                                                                    got.get("reason")))
    finally:
        sock.close()


def main():
    why = usable()
    if why:
        print(why + ": skipped", file=sys.stderr)
        return tr.SKIP
    work = tempfile.mkdtemp(prefix="sc-caa-", dir=os.path.join(tr.BUILD, "tests", "probes"))
    addr, port, procs = start(work)
    try:
        for host, (status, text) in EXPECT.items():
            got, elapsed = audit(work, host, port, addr, host)
            check(got.get("status") == status and text in (got.get("reason") or ""),
                  "%s: S-CAA %s with '%s': %s %s" % (host, status, text, got.get("status"),
                                                     got.get("reason")))
            print("%s: %s (%.2f s)" % (host, got.get("status"), elapsed), file=sys.stderr)
        # Nothing listens on the next address: the resolver gives up after its 1 s timeout.
        silent = addr.rsplit(".", 1)[0] + ".251"
        got, elapsed = audit(work, "shop.test", port, silent, "silent")
        check(got.get("status") == "error" and "could not answer" in (got.get("reason") or ""),
              "silent resolver: S-CAA error: %s %s" % (got.get("status"), got.get("reason")))
        check(elapsed < 15, "silent resolver: the audit ended in %.1f s" % elapsed)
        interrupt_mid_query(work, port, addr.rsplit(".", 1)[0] + ".252")
    finally:
        stop(procs)
    return tr.finish(work)


if __name__ == "__main__":
    sys.exit(main())
