// The GraphQL probes against the graphql-js shop of server.js: each fails on the store that
// has its weakness and passes on the one configured against it, and says why it skips where
// it cannot judge. Every server is started here on a free 127.0.0.1 port and stopped at the
// end; every wait is bounded. Run by run.sh (NODE_PATH holds the installed packages).
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const bin = process.env.STORECHECK_BIN;
if (!bin) {
  console.error('STORECHECK_BIN is not set');
  process.exit(1);
}
const IDS = ['S-GRAPHQL-INTROSPECTION', 'S-GRAPHQL-SUGGESTIONS', 'S-GRAPHQL-CSRF',
  'S-GRAPHQL-PERSISTED', 'T-GRAPHQL-DEPTH', 'T-GRAPHQL-BATCHING', 'O-GRAPHQL-ERRORS'];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'storecheck-graphql-'));
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(scratch, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Start server.js with flags; resolves with its port once it listens (10 s at most).
async function startStore(name, flags) {
  const ready = path.join(scratch, `${name}.port`);
  const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), '--ready', ready, ...flags],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  children.add(child);
  for (let waited = 0; waited < 10000; waited += 50) {
    if (fs.existsSync(ready) && fs.readFileSync(ready, 'utf8')) return { child, port: Number(fs.readFileSync(ready, 'utf8')) };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`${name}: the test store did not start`);
}

async function stopStore(store) {
  store.child.kill('SIGTERM');
  for (let waited = 0; waited < 5000 && store.child.exitCode === null && store.child.signalCode === null; waited += 50) await sleep(50);
  store.child.kill('SIGKILL');
  children.delete(store.child);
}

// Run the GraphQL probes against the store; the results by probe id.
// endpoints: lines under target.endpoints (none when absent); ids: the probes to run; tail:
// lines at the end of the config (under audit: first).
function audit(name, port, persistedOnly, graphqlPath, endpoints, ids, tail) {
  const config = path.join(scratch, `${name}.yaml`);
  const report = path.join(scratch, `${name}.json`);
  fs.writeFileSync(config, [
    'target:',
    `  base_url: http://127.0.0.1:${port}`,
    '  allowed_hosts: [127.0.0.1]',
    '  graphql:',
    `    path: ${graphqlPath}`,
    `    persisted_only: ${persistedOnly}`,
    ...(endpoints ? ['  endpoints:', ...endpoints.map((l) => `    ${l}`)] : []),
    'audit:',
    '  probe_timeout: 20s',
    '  deadline: 60s',
    ...(tail || []),
    '',
  ].join('\n'));
  const r = spawnSync(bin, ['audit', config, '--only', (ids || IDS).join(','), '--json', report, '-q'],
    { encoding: 'utf8', timeout: 90000 });
  // 0 passed, 1 a finding, 3 a probe ended in error: each is a verdict this test judges.
  if (![0, 1, 3].includes(r.status)) throw new Error(`${name}: storecheck audit exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  const checks = JSON.parse(fs.readFileSync(report, 'utf8')).checks;
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

let failures = 0;
// id ended with status, its reason or evidence holding text and (when given) not absent.
function expect(name, results, id, status, text, absent) {
  const c = results[id];
  const seen = c ? `${c.status}: ${c.reason}` : 'did not run';
  const evidence = c ? JSON.stringify(c.evidence) : '';
  const said = c ? `${c.reason} ${evidence}` : '';
  const ok = c && c.status === status && (!text || said.includes(text)) && !(absent && said.includes(absent));
  if (!ok) {
    failures++;
    console.error(`FAIL ${name}: ${id}: expected ${status}${text ? ` with "${text}"` : ''}${absent ? ` without "${absent}"` : ''}, got ${seen}\n  evidence: ${evidence}`);
  } else {
    console.log(`ok   ${name}: ${id}: ${seen}`);
  }
}

// Each store: the server's flags, whether the config declares persisted queries only, and
// what each probe must end with: status, a text its reason or evidence holds, and one they
// must not hold.
const stores = [
  {
    name: 'weak', flags: ['--mode', 'weak'], persistedOnly: true,
    expect: {
      'S-GRAPHQL-INTROSPECTION': ['fail', 'queryType'],
      'S-GRAPHQL-SUGGESTIONS': ['fail', 'Did you mean'],
      'S-GRAPHQL-CSRF': ['fail', 'mutation over GET was executed'],
      'S-GRAPHQL-PERSISTED': ['fail', 'an arbitrary query was executed'],
      'T-GRAPHQL-DEPTH': ['fail', 'no depth limit'],
      'T-GRAPHQL-BATCHING': ['fail', '50 aliased copies of products'],
      'O-GRAPHQL-ERRORS': ['fail', 'stack trace'],
    },
  },
  {
    // A path that does not answer GraphQL (404, an HTML page) is never judged as a hardened API.
    name: 'wrong-path', flags: ['--mode', 'weak'], persistedOnly: false, path: '/api/graphql',
    expect: Object.fromEntries(IDS.filter((id) => id !== 'S-GRAPHQL-PERSISTED')
      .map((id) => [id, ['error', 'check target.graphql.path']])),
  },
  {
    // Introspection closed but suggestions left on: the schema still leaks.
    name: 'weak-closed', flags: ['--mode', 'weak', '--introspection', 'off'], persistedOnly: false,
    expect: {
      'S-GRAPHQL-INTROSPECTION': ['pass'],
      'S-GRAPHQL-SUGGESTIONS': ['fail', 'Did you mean'],
      'S-GRAPHQL-CSRF': ['fail'],
      'S-GRAPHQL-PERSISTED': ['skip', 'target.graphql.persisted_only'],
      'T-GRAPHQL-DEPTH': ['skip', 'introspection is closed'],
      'T-GRAPHQL-BATCHING': ['fail', '10 of 10 operations in one JSON array'],
      'O-GRAPHQL-ERRORS': ['fail'],
    },
  },
  {
    name: 'hardened', flags: ['--mode', 'hardened'], persistedOnly: false,
    expect: {
      'S-GRAPHQL-INTROSPECTION': ['pass'],
      'S-GRAPHQL-SUGGESTIONS': ['pass', 'prodcts'],
      'S-GRAPHQL-CSRF': ['pass'],
      'S-GRAPHQL-PERSISTED': ['skip', 'target.graphql.persisted_only'],
      'T-GRAPHQL-DEPTH': ['skip', 'introspection is closed'],
      'T-GRAPHQL-BATCHING': ['pass'],
      'O-GRAPHQL-ERRORS': ['pass'],
    },
  },
  {
    // Limits on with the schema readable: the depth and cost limits can be judged.
    name: 'hardened-open', flags: ['--mode', 'hardened', '--introspection', 'on'], persistedOnly: false,
    expect: {
      'S-GRAPHQL-INTROSPECTION': ['fail'],
      'S-GRAPHQL-SUGGESTIONS': ['pass'],
      'T-GRAPHQL-DEPTH': ['pass'],
      'T-GRAPHQL-BATCHING': ['pass'],
    },
  },
  {
    // A depth limit alone: the wide query, 5 fields deep, still runs.
    name: 'depth-limit-only', flags: ['--mode', 'hardened', '--introspection', 'on', '--no-cost-limit'],
    persistedOnly: false,
    expect: { 'T-GRAPHQL-DEPTH': ['fail', 'no cost limit', 'no depth limit'], 'T-GRAPHQL-BATCHING': ['fail', '50 aliased copies'] },
  },
  {
    name: 'hardened-persisted', flags: ['--mode', 'hardened', '--persisted-only'], persistedOnly: true,
    expect: {
      'S-GRAPHQL-PERSISTED': ['pass'],
      'S-GRAPHQL-INTROSPECTION': ['pass'],
      'S-GRAPHQL-CSRF': ['pass'],
      'T-GRAPHQL-BATCHING': ['pass'],
    },
  },
  {
    // Queries run without validation (an unknown field is left out without an error), errors
    // answered as a framework's {"error"} object with its stack: no field can be suggested,
    // and the stack is found outside errors[].
    name: 'unvalidated', flags: ['--mode', 'weak', '--unvalidated'], persistedOnly: false,
    ids: ['S-GRAPHQL-SUGGESTIONS', 'O-GRAPHQL-ERRORS'],
    expect: {
      'S-GRAPHQL-SUGGESTIONS': ['pass', 'does not validate queries'],
      'O-GRAPHQL-ERRORS': ['fail', 'stack trace in the error answer'],
    },
  },
  {
    // The same with the message alone: judged, and clean.
    name: 'unvalidated-hardened', flags: ['--mode', 'hardened', '--unvalidated', '--introspection', 'on'],
    persistedOnly: false, ids: ['S-GRAPHQL-SUGGESTIONS', 'O-GRAPHQL-ERRORS'],
    expect: {
      'S-GRAPHQL-SUGGESTIONS': ['pass', 'was left out of the answer without an error'],
      'O-GRAPHQL-ERRORS': ['pass', '2 of them without GraphQL\'s errors[]'],
    },
  },
  {
    // The recursive root field answers null: the deep query is accepted without an error, so
    // no limit refused it, though nothing below the root ran...
    name: 'null-root', flags: ['--mode', 'weak', '--null-root'], persistedOnly: false,
    ids: ['T-GRAPHQL-DEPTH'],
    expect: { 'T-GRAPHQL-DEPTH': ['fail', 'featured answered null'] },
  },
  {
    // ...and a depth limit refuses it all the same.
    name: 'null-root-limited', flags: ['--mode', 'hardened', '--introspection', 'on', '--null-root'],
    persistedOnly: false, ids: ['T-GRAPHQL-DEPTH'],
    expect: { 'T-GRAPHQL-DEPTH': ['pass', 'both refused'] },
  },
  {
    // A catalog read over GraphQL is timed as its own POST (a GET of the path is no catalog:
    // this server answers it 400).
    name: 'catalog-latency', flags: ['--mode', 'weak'], persistedOnly: false, ids: ['T-LATENCY'],
    endpoints: ['catalog:', '  graphql: { query: "{ products { id name } }" }'],
    expect: { 'T-LATENCY': ['pass', '(catalog)'] },
  },
  {
    // The catalog as a GraphQL query (a GET of the path is no catalog: this server answers it
    // 400): the probes that judge its answer send the query's POST, with their own headers.
    // Twelve aliased lists make an answer worth compressing.
    name: 'catalog-headers', flags: ['--mode', 'weak'], persistedOnly: false,
    ids: ['S-NOSNIFF', 'T-COMPRESSION', 'O-REQUEST-ID', 'S-CORS', 'R-TIMEOUTS', 'T-STATIC-CACHE'],
    endpoints: ['catalog:', `  graphql: { query: "{ ${'abcdefghijkl'.split('').map((a) => `${a}: products { id name price }`).join(' ')} }" }`],
    expect: {
      'S-NOSNIFF': ['fail', '"request":"POST http://127.0.0.1', 'GET http'],
      'T-COMPRESSION': ['fail', 'catalog: Content-Type: application/json', 'GET http'],
      'O-REQUEST-ID': ['fail', '"request":"POST http://127.0.0.1', 'GET http'],
      'S-CORS': ['pass', '/graphql","status":200,"detail":"catalog: Origin: null'],
      'R-TIMEOUTS': ['pass', '"request":"POST http://127.0.0.1', 'GET http'],
      // A POST's answer is kept by no HTTP cache: no cache target, not an error.
      'T-STATIC-CACHE': ['skip', 'the catalog is sent as POST'],
    },
  },
  {
    // ...and a catalog query the store refuses (200 with errors) is not judged as the
    // catalog: each says which endpoint to fix.
    name: 'catalog-refused', flags: ['--mode', 'weak'], persistedOnly: false,
    ids: ['S-NOSNIFF', 'T-COMPRESSION', 'O-REQUEST-ID'],
    endpoints: ['catalog:', '  graphql: { query: "{ products { id prodcts } }" }'],
    expect: {
      'S-NOSNIFF': ['skip', 'fix target.endpoints.catalog'],
      'T-COMPRESSION': ['skip', 'fix target.endpoints.catalog'],
      'O-REQUEST-ID': ['skip', 'fix target.endpoints.catalog'],
    },
  },
  {
    // The cart endpoint as a GraphQL mutation: its answer is judged as the cart (no
    // Cache-Control on it)...
    name: 'cart-mutation', flags: ['--mode', 'weak'], persistedOnly: false, ids: ['T-PRIVATE-CACHE'],
    endpoints: ['cart:', '  graphql:', '    query: "mutation($q: Int!) { addToCart(productId: \\"1\\", quantity: $q) { id } }"',
      '    variables: { q: 1 }'],
    expect: { 'T-PRIVATE-CACHE': ['warn', 'no Cache-Control'] },
  },
  {
    // A cart named at cart.id: the item request carries that id; without the key, the
    // evidence says where to set it.
    name: 'cart-id-path', flags: ['--mode', 'weak'], persistedOnly: false, ids: ['T-PRIVATE-CACHE'],
    endpoints: ['cart:', '  graphql: { query: "mutation { addToCart(productId: \\"1\\", quantity: 1) { id } }" }',
      '  id: $.data.addToCart.id',
      'cart_items:', '  path: "/graphql?cart={{cart_id}}"',
      '  graphql: { query: "mutation { addToCart(productId: \\"2\\", quantity: 1) { id } }" }'],
    expect: { 'T-PRIVATE-CACHE': ['warn', '/graphql?cart=c', 'no item added'] },
  },
  {
    name: 'cart-no-id-path', flags: ['--mode', 'weak'], persistedOnly: false, ids: ['T-PRIVATE-CACHE'],
    endpoints: ['cart:', '  graphql: { query: "mutation { addToCart(productId: \\"1\\", quantity: 1) { id } }" }',
      'cart_items:', '  path: "/graphql?cart={{cart_id}}"',
      '  graphql: { query: "mutation { addToCart(productId: \\"2\\", quantity: 1) { id } }" }'],
    expect: { 'T-PRIVATE-CACHE': ['warn', 'give target.endpoints.cart an id', '/graphql?cart='] },
  },
  {
    // ...and an answer of 200 whose errors say the operation was refused is not judged: the
    // reason names the store's error and the endpoint to fix.
    name: 'cart-mutation-refused', flags: ['--mode', 'weak'], persistedOnly: false, ids: ['T-PRIVATE-CACHE'],
    endpoints: ['cart:', '  graphql:', '    query: "mutation($q: Int!) { addToCart(productId: \\"1\\", quantity: $q) { id } }"',
      '    variables: { q: not-a-number }'],
    expect: { 'T-PRIVATE-CACHE': ['skip', 'fix target.endpoints.cart', 'no Cache-Control'] },
  },
  {
    // The shopper session made by a GraphQL scenario: a step whose answer reports errors
    // fails the session, and the probes acting as its shopper skip with the store's error
    // (not with the value the failed answer lacks).
    name: 'session-refused', flags: ['--mode', 'weak'], persistedOnly: false, ids: ['T-PRIVATE-CACHE'],
    endpoints: ['cart:', '  graphql:', '    query: "mutation { addToCart(productId: \\"1\\", quantity: 1) { id } }"'],
    tail: ['  session: shopper', 'load:', '  scenarios:', '    shopper:', '      - name: start',
      '        graphql:', '          query: "mutation($q: Int!) { addToCart(productId: \\"1\\", quantity: $q) { id } }"',
      '          variables: { q: not-a-number }', '        extract: { cart: $.data.addToCart.id }'],
    expect: { 'T-PRIVATE-CACHE': ['skip', 'answered 200 with graphql INTERNAL_SERVER_ERROR', 'no value for'] },
  },
];

(async () => {
  for (const s of stores) {
    const store = await startStore(s.name, s.flags);
    try {
      const results = audit(s.name, store.port, s.persistedOnly, s.path || '/graphql', s.endpoints, s.ids, s.tail);
      for (const [id, [status, text, absent]] of Object.entries(s.expect)) expect(s.name, results, id, status, text, absent);
    } finally {
      await stopStore(store);
    }
  }
  console.log(failures ? `${failures} expectation(s) failed` : 'all expectations met');
  process.exit(failures ? 1 : 0);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
