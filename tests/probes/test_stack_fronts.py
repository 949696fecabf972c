#!/usr/bin/env python3
"""The stack in front of the store, recognised by a real audit: nginx (its stock config,
server_tokens on) proxying the reference store, Varnish (built-in VCL) in front of that nginx,
and the reference store alone, plain and with its server-version variant (which claims nginx
and PHP). Each audit's JSON report must name exactly that stack with the deciding header, give
S-VERSION-LEAK the fix for that stack first, and follow the schema; nginx's access log shows the
recognition costs one request.

usage: test_stack_fronts.py
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest), and nginx and
varnishd on PATH: without them the test exits 77 (skip)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "reports"))
import test_run as tr  # noqa: E402  the reference store, running storecheck, report checks

check = tr.check


def wait_port(port, proc, what):
    """Wait (up to 10 s) until 127.0.0.1:port accepts; False when proc died or time ran out."""
    end = time.monotonic() + 10
    while time.monotonic() < end and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    check(False, "%s listens on %d" % (what, port))
    return False


def run_nginx(work, server):
    """nginx with the server block `server` in its http block, files in work; each request line
    is logged to work/access.log. The process (its listener: wait_port)."""
    conf = os.path.join(work, "nginx.conf")
    open(conf, "w").write("""worker_processes 1;
daemon off;
pid {w}/nginx.pid;
error_log stderr error;
events {{ worker_connections 64; }}
http {{
  log_format line "$request";
  access_log {w}/access.log line;
  client_body_temp_path {w}/body;
  proxy_temp_path {w}/proxy;
  fastcgi_temp_path {w}/fastcgi;
  uwsgi_temp_path {w}/uwsgi;
  scgi_temp_path {w}/scgi;
{server}
}}
""".format(w=work, server=server))
    return subprocess.Popen(["nginx", "-p", work, "-c", conf, "-e", "stderr"])


def start_nginx(work, upstream):
    """nginx as distributions ship it (server_tokens on) proxying the store's HTTPS listener
    (its plain one redirects)."""
    port = tr.free_port()
    proc = run_nginx(work, """  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass https://127.0.0.1:{up}; proxy_set_header Host $host; }}
  }}""".format(port=port, up=upstream))
    wait_port(port, proc, "nginx")
    return proc, port


def start_varnish(work, backend):
    """varnishd on a free port, its backend `backend`: ["-b", "HOST:PORT"] (the built-in VCL)
    or ["-f", VCL_FILE]. The process and its port."""
    port = tr.free_port()
    proc = subprocess.Popen(["varnishd", "-F", "-j", "none", "-n", os.path.join(work, "varnish"),
                             "-a", "127.0.0.1:%d" % port] + backend + ["-s", "malloc,32m"],
                            stdout=subprocess.DEVNULL)
    wait_port(port, proc, "varnishd")
    return proc, port


def audit(work, base, name, ca=None):
    """Audit the store at base for S-VERSION-LEAK; the checked JSON report."""
    cfg = os.path.join(work, "%s.yaml" % name)
    open(cfg, "w").write("""target:
  base_url: {base}
{tls}  timeout: 2s
  endpoints: {{ home: /, catalog: /api/v1/products }}
audit: {{ only: [S-VERSION-LEAK], probe_timeout: 5s, deadline: 15s }}
reports: {{ json: {w}/out.json, html: {w}/out.html, junit: {w}/out.xml, markdown: {w}/out.md,
           sarif: {w}/out.sarif }}
""".format(base=base, w=work, tls="  tls: { ca_file: %s }\n" % ca if ca else ""))
    r = tr.run(cfg, command="audit")
    check(r.returncode in (0, 1), "%s: the audit ran (exit %d): %s" % (name, r.returncode,
                                                                        r.stderr))
    return tr.check_reports(work, cfg), r.stdout


def expect(doc, name, keys, evidence, fix):
    """The report names exactly keys (edge inward), the first with evidence in its header;
    S-VERSION-LEAK failed and gives the fixes for keys in that order, the first holding fix."""
    stack = doc.get("stack") or {}
    got = [c["key"] for c in stack.get("components", [])]
    check(got == keys, "%s: stack %s, expected %s: %s" % (name, got, keys, stack))
    if keys and got:
        check(stack["components"][0]["evidence"].startswith(evidence),
              "%s: %s named by '%s': %s" % (name, keys[0], evidence, stack["components"][0]))
    leak = tr.checks_by_id(doc).get("S-VERSION-LEAK", {})
    fixes = leak.get("stack_remediation", [])
    check([f["stack"] for f in fixes] == keys,
          "%s: S-VERSION-LEAK fixes for %s: %s" % (name, keys, fixes))
    if fix:
        check(leak.get("status") == "fail", "%s: S-VERSION-LEAK fails: %s" % (name, leak))
        check(fixes and fix in fixes[0]["fix"], "%s: the first fix has '%s': %s" %
              (name, fix, fixes))


def main():
    if not shutil.which("nginx") or not shutil.which("varnishd"):
        print("nginx or varnishd not installed: skipped", file=sys.stderr)
        return tr.SKIP
    work = tempfile.mkdtemp(prefix="sc-stack-", dir=os.path.join(tr.BUILD, "tests", "probes"))
    procs = []
    store = tr.Refstore(work)
    try:
        nginx, nginx_port = start_nginx(work, int(store.ports["https"]))
        procs.append(nginx)
        varnish, varnish_port = start_varnish(work, ["-b", "127.0.0.1:%d" % nginx_port])
        procs.append(varnish)

        doc, _ = audit(work, "http://127.0.0.1:%d" % nginx_port, "nginx")
        expect(doc, "nginx", ["nginx"], "Server: nginx/", "server_tokens off;")
        md = open(os.path.join(work, "out.md")).read()
        check("Stack: nginx (Server: nginx/" in md, "the Markdown names the stack: " + md)
        check("**S-VERSION-LEAK** on nginx: server_tokens off;" in md,
              "the Markdown gives nginx's fix: " + md)
        html = open(os.path.join(work, "out.html")).read()
        check(html.find("Fix for nginx:") < html.find("Remediation, on any stack:") and
              "Fix for nginx:" in html, "the HTML gives nginx's fix before the generic one")
        # The probe asks for / once; the recognition once more, and nothing else.
        homes = [line for line in open(os.path.join(work, "access.log")).read().splitlines()
                 if line.startswith("GET / ")]
        check(len(homes) == 2, "the home page was asked for twice (probe + recognition): %s" %
              homes)

        doc, console = audit(work, "http://127.0.0.1:%d" % varnish_port, "varnish")
        expect(doc, "varnish", ["varnish", "nginx"], "Via: 1.1 ", "unset resp.http.Via;")
        check("Stack: Varnish (cache) -> nginx (server);" in console,
              "the console names the stack edge inward: " + console)
        check("(Varnish/" in doc["stack"]["components"][0]["evidence"],
              "Varnish named by its Via product: %s" % doc["stack"])

        # The reference store itself sends "Server: refstore": nothing is recognised, so the
        # finding has no stack fix and the report says why.
        doc, console = audit(work, "https://127.0.0.1:%s" % store.ports["https"], "refstore",
                             store.ca)
        expect(doc, "refstore", [], "", None)
        check("Stack:" not in console, "no stack line when nothing is recognised: " + console)
        check(doc["stack"]["status"] == 200 and doc["stack"]["error"] is None,
              "the recognition got an answer: %s" % doc["stack"])
        check("names a product storecheck knows" in open(os.path.join(work, "out.md")).read(),
              "the Markdown says nothing was recognised")
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=10)
        store.stop()

    # The server-version variant claims nginx and PHP in its headers.
    store = tr.Refstore(work, "server-version")
    try:
        doc, _ = audit(work, "https://127.0.0.1:%s" % store.ports["https"], "server-version",
                       store.ca)
        expect(doc, "server-version", ["nginx", "php"], "Server: nginx/1.18.0",
               "server_tokens off;")
        fixes = tr.checks_by_id(doc)["S-VERSION-LEAK"]["stack_remediation"]
        check(len(fixes) == 2 and "expose_php = Off" in fixes[1]["fix"],
              "PHP's fix comes after nginx's: %s" % fixes)
    finally:
        store.stop()
    return tr.finish(work)


if __name__ == "__main__":
    sys.exit(main())
