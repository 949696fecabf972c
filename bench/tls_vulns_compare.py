#!/usr/bin/env python3
"""The vulnerability findings of storecheck, testssl.sh and sslscan on one server, side by side.

Usage (from bench/tls-crosscheck.sh): tls_vulns_compare.py STORECHECK_JSON TESTSSL_JSON
SSLSCAN_XML T0 T1 T2 T3, where T0..T1 timed storecheck, T1..T2 testssl.sh, T2..T3 sslscan.
A missing file or finding prints "-" and is not compared; so do findings a tool did not test:
testssl.sh's fallback check where it saw no protocol below TLS 1.2 (it uses the local OpenSSL,
which cannot speak TLS 1.0/1.1 here), sslscan's renegotiation where it reports none supported
(it tries at the highest version, TLS 1.3 has none). sslscan's "supported" is not compared with
client-initiated renegotiation: it is set on servers that refuse it (nginx). Prints one row per
finding, the agreement count and each tool's time as a ratio to storecheck's."""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

CURVES = {"x25519", "x448", "secp256r1", "secp384r1", "secp521r1", "brainpoolp256r1",
          "brainpoolp384r1", "brainpoolp512r1", "secp224r1", "secp192r1"}
ALIAS = {"prime256v1": "secp256r1", "prime192v1": "secp192r1"}


def load(sc_file, ts_file, ss_file):
    checks = {c["id"]: c for c in json.load(open(sc_file))["checks"]} \
        if os.path.exists(sc_file) else {}
    ts = {}
    if os.path.exists(ts_file):
        for f in json.load(open(ts_file)):
            ts.setdefault(f["id"], f)
    ss = ET.parse(ss_file).getroot() if os.path.exists(ss_file) else None
    return checks, ts, ss


def yn(v):
    return "-" if v is None else ("yes" if v else "no")


def curve_set(names):
    out = {ALIAS.get(n.lower(), n.lower()) for n in names}
    return " ".join(sorted(out & CURVES)) or "none"


class Tools:
    def __init__(self, checks, ts, ss):
        self.checks, self.ts, self.ss = checks, ts, ss

    def sc(self, pid):
        c = self.checks.get(pid, {})
        return c.get("status", "?"), c.get("reason", "")

    def evidence(self, pid, what):
        for e in self.checks.get(pid, {}).get("evidence", []):
            if (e.get("request") or "").endswith("(%s)" % what):
                return e.get("detail") or ""
        return ""

    def ts_bad(self, fid):
        """testssl.sh's finding is a problem (severity above OK/INFO); None when absent."""
        f = self.ts.get(fid)
        return None if f is None else f["severity"] not in ("OK", "INFO")

    def ts_finding(self, fid):
        return (self.ts.get(fid) or {}).get("finding", "")

    def ss_any(self, tag, attr):
        if self.ss is None:
            return None
        vals = [e.get(attr) for e in self.ss.iter(tag)]
        return None if not vals else "1" in vals


def rows(t):
    out = []
    st, why = t.sc("S-TLS-FALLBACK-SCSV")
    fb = t.ts_finding("fallback_SCSV")
    out.append(("fallback SCSV honoured",
                "n/a" if why.startswith("only") else yn(st == "pass") if st in
                ("pass", "fail", "warn") else "-",
                "-" if not fb or "no protocol below" in fb else
                yn("NOT" not in fb and "supported" in fb), "-"))
    st, why = t.sc("S-TLS-RENEGOTIATION")
    decided = st in ("pass", "warn", "fail")
    out.append(("secure renegotiation", yn("no secure renegotiation" not in why)
                if decided else "-", yn(None if t.ts_bad("secure_renego") is None
                                        else not t.ts_bad("secure_renego")),
                yn(t.ss_any("renegotiation", "secure"))
                if t.ss_any("renegotiation", "supported") else "-"))
    out.append(("client renegotiation accepted",
                yn("accepts renegotiation started by the client" in why)
                if st in ("pass", "warn") else "-", yn(t.ts_bad("secure_client_renego")), "-"))
    for what, pid, fid, tag, attr in (
            ("TLS compression (CRIME)", "S-TLS-COMPRESSION", "CRIME_TLS", "compression",
             "supported"),
            ("Heartbleed", "S-TLS-HEARTBLEED", "heartbleed", "heartbleed", "vulnerable"),
            ("CCS injection", "S-TLS-CCS-INJECTION", "CCS", None, None)):
        st, _ = t.sc(pid)
        out.append((what, yn(st == "fail") if st in ("pass", "warn", "fail") else "-",
                    yn(t.ts_bad(fid)), yn(t.ss_any(tag, attr)) if tag else "-"))
    st, why = t.sc("S-TLS-DH-PARAMS")
    out.append(("export DH (LOGJAM)", yn("export-grade DHE" in why)
                if st in ("pass", "warn", "fail") else "-", yn(t.ts_bad("LOGJAM")), "-"))
    m = re.search(r"accepted (.*)$", t.evidence("S-TLS-DH-PARAMS", "ECDHE groups"))
    ss_curves = "-" if t.ss is None else curve_set(
        [g.get("name", "").split(" ")[0] for g in t.ss.iter("group")])
    out.append(("ECDHE curves", curve_set(m.group(1).split()) if m else "-",
                curve_set(t.ts_finding("PFS_ECDHE_curves").split())
                if "PFS_ECDHE_curves" in t.ts else "-", ss_curves))
    m = re.search(r"(\d+)-bit prime", t.evidence("S-TLS-DH-PARAMS", "DHE"))
    out.append(("DHE prime bits, server's own group (only ours)", m.group(1) if m else "none",
                "-", "-"))
    st, _ = t.sc("S-TLS-ROBOT")
    out.append(("ROBOT oracle", yn(st == "fail") if st in ("pass", "warn", "fail") else "-",
                yn(t.ts_bad("ROBOT")), "-"))
    for name, fid in (("DROWN", "DROWN"), ("POODLE", "POODLE_SSL"), ("FREAK", "FREAK"),
                      ("SWEET32", "SWEET32"), ("BEAST", "BEAST"), ("LUCKY13", "LUCKY13")):
        d = t.evidence("S-TLS-KNOWN-ATTACKS", name)
        mine = None if not d else ("accepted with" in d if name == "DROWN"
                                   else not d.endswith("none accepted"))
        out.append((name, yn(mine), yn(t.ts_bad(fid)), "-"))
    orders = [e.get("detail", "") for e in t.checks.get("S-TLS-CIPHER-ORDER", {})
              .get("evidence", []) if (e.get("request") or "").endswith(" order)")]
    mine = "client" if any("client's order" in d for d in orders) else \
        "server" if any("server's order" in d for d in orders) else "-"
    co = t.ts_finding("cipher_order")
    out.append(("cipher order", mine, "-" if not co else "client" if "NOT" in co else "server",
                "-"))
    return out


def main():
    t = Tools(*load(*sys.argv[1:4]))
    t0, t1, t2, t3 = map(float, sys.argv[4:8])
    agree = compared = 0
    print("   %-46s %-44s %-44s %s" % ("finding", "storecheck", "testssl.sh", "sslscan"))
    for what, a, b, c in rows(t):
        others = [x for x in (b, c) if x != "-"]
        same = a != "-" and all(x == a for x in others)
        mark = ""
        if others and a != "-":
            compared += 1
            agree += same
            mark = "  agree" if same else "  DISAGREE"
        print("   %-46s %-44s %-44s %s%s" % (what, a, b, c, mark))
    sct, tst, sst = t1 - t0, t2 - t1, t3 - t2
    print("   agreement: %d of %d findings compared" % (agree, compared))
    print("   time: storecheck %.2f s, testssl.sh %.1f s (%.0fx), sslscan %.2f s (%.1fx)"
          % (sct, tst, tst / sct if sct else 0, sst, sst / sct if sct else 0))


if __name__ == "__main__":
    main()
