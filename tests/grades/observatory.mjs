// The MDN HTTP Observatory's own scan of one loopback server, its result as JSON on stdout:
// {"score": N, "grade": "B+", "tests": {"content-security-policy": {"result": ..., "modifier": M}}}.
//
// usage: OBSERVATORY_MODULES=DIR node observatory.mjs HOST:PORT
// DIR is the node_modules holding @mdn/mdn-http-observatory. Its command (mdn-http-observatory-scan)
// replaces NODE_EXTRA_CA_CERTS with Mozilla's roots, which would judge the test CA's certificate
// invalid; so this calls the function that command calls, scan() from src/scanner/index.js,
// with the caller's NODE_EXTRA_CA_CERTS (the test CA) left in place. scan(hostname) fetches
// http://HOST:PORT/ and https://HOST:PORT/ (the port is part of the hostname it is given), then
// /robots.txt and a CORS preflight, and grades the answers as the Observatory's site does.
import path from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.OBSERVATORY_MODULES;
const host = process.argv[2];
if (!modules || !host) {
  console.error("usage: OBSERVATORY_MODULES=DIR node observatory.mjs HOST:PORT");
  process.exit(2);
}
const scanner = path.join(modules, "@mdn", "mdn-http-observatory", "src", "scanner", "index.js");
const { scan } = await import(pathToFileURL(scanner).href);
try {
  const result = await scan(host);
  const tests = {};
  for (const [name, t] of Object.entries(result.tests))
    tests[name] = { result: t.result, modifier: t.scoreModifier, pass: t.pass };
  console.log(JSON.stringify({ score: result.scan.score, grade: result.scan.grade, tests }));
} catch (e) {
  console.log(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
  process.exit(1);
}
