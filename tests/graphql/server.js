// A small GraphQL shop on graphql-js, the reference implementation, for the GraphQL probe
// tests. Weak, it has every weakness the probes look for, as a server left in development
// mode does; hardened, it is configured against each of them.
//
//   node server.js --port N --ready FILE --mode weak|hardened
//                  [--introspection on|off] [--persisted-only] [--no-cost-limit] [--unvalidated]
//                  [--null-root]
//
// Weak: introspection on (unless off), suggestions in errors, no depth, cost or alias limit,
// JSON array batches, mutations over GET, text/plain and form bodies, stack traces in
// errors[].extensions (as Apollo Server's development mode). Hardened: introspection off
// (unless on), suggestions stripped, depth <= 8, aliases <= 10, selections <= 200, no batches,
// queries only over GET, application/json only, no stack traces; with --persisted-only, only
// the registered operation runs; with --no-cost-limit, only the depth limit is kept.
// --unvalidated: queries are executed without being validated (unknown fields are left out of
// the data without an error), and a parse or execution error is answered 500 as a framework's
// error object, {"error": {"status", "message"}}, with the stack beside them when weak.
// --null-root: the first root field, featured: Product, answers null (nothing featured). Listens on 127.0.0.1 only; writes the port to FILE when ready.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const {
  buildSchema, parse, validate, execute, specifiedRules, getOperationAST,
  NoSchemaIntrospectionCustomRule, GraphQLError,
} = require('graphql');

const args = { port: 0, ready: null, mode: 'weak', introspection: null, persistedOnly: false, costLimit: true };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--port') args.port = Number(process.argv[++i]);
  else if (a === '--ready') args.ready = process.argv[++i];
  else if (a === '--mode') args.mode = process.argv[++i];
  else if (a === '--introspection') args.introspection = process.argv[++i] === 'on';
  else if (a === '--persisted-only') args.persistedOnly = true;
  else if (a === '--no-cost-limit') args.costLimit = false;
  else if (a === '--unvalidated') args.unvalidated = true;
  else if (a === '--null-root') args.nullRoot = true;
  else { console.error(`server.js: unknown argument ${a}`); process.exit(2); }
}
const hardened = args.mode === 'hardened';
const introspection = args.introspection === null ? !hardened : args.introspection;
const LIMITS = { depth: 8, aliases: 10, selections: 200 };

const schema = buildSchema(`
  type Product { id: ID! name: String! price: Int! related: [Product!]! }
  type Cart { id: ID! items: [Product!]! }
  type Query { ${args.nullRoot ? 'featured: Product ' : ''}products: [Product!]! product(id: ID!): Product }
  type Mutation { addToCart(productId: ID!, quantity: Int!): Cart }
`);

class Product {
  constructor(i, name, price) { Object.assign(this, { id: String(i), name, price }); }
  related() { return [catalog[(Number(this.id) + 1) % catalog.length]]; }
}
const catalog = [new Product(0, 'Mug', 900), new Product(1, 'Tee', 1900), new Product(2, 'Cap', 1500)];
let carts = 0;
const rootValue = {
  featured: () => null,
  products: () => catalog,
  product: ({ id }) => catalog.find((p) => p.id === id) || null,
  addToCart: ({ productId }) => ({ id: `c${++carts}`, items: catalog.filter((p) => p.id === productId) }),
};

// The operations a persisted-only store registered, by SHA-256 of their text.
const registered = new Map(['{products{id name price}}'].map(
  (q) => [crypto.createHash('sha256').update(q).digest('hex'), q]));

function format(e) {
  const out = { message: e.message };
  if (e.locations) out.locations = e.locations;
  if (e.path) out.path = e.path;
  if (hardened) {
    out.message = out.message.replace(/ ?Did you mean .*$/, '');
    out.extensions = { code: e.extensions && e.extensions.code ? e.extensions.code : 'BAD_REQUEST' };
  } else {
    const stack = String((e.originalError || e).stack || '');
    out.extensions = { ...(e.extensions || {}), code: 'INTERNAL_SERVER_ERROR', stacktrace: stack.split('\n') };
  }
  return out;
}

// Depth, aliases and selections of each operation, fragments expanded.
function limitErrors(doc) {
  const fragments = {};
  for (const d of doc.definitions) if (d.kind === 'FragmentDefinition') fragments[d.name.value] = d;
  const walk = (set, depth, st, seen) => {
    let max = depth;
    for (const sel of set.selections) {
      if (sel.kind === 'Field') {
        st.selections++;
        if (sel.alias) st.aliases++;
        max = Math.max(max, sel.selectionSet ? walk(sel.selectionSet, depth + 1, st, seen) : depth + 1);
      } else if (sel.kind === 'InlineFragment') {
        max = Math.max(max, walk(sel.selectionSet, depth, st, seen));
      } else if (!seen.has(sel.name.value) && fragments[sel.name.value]) {
        seen.add(sel.name.value);
        max = Math.max(max, walk(fragments[sel.name.value].selectionSet, depth, st, seen));
      }
    }
    return max;
  };
  const errors = [];
  for (const op of doc.definitions) {
    if (op.kind !== 'OperationDefinition') continue;
    const st = { aliases: 0, selections: 0 };
    const depth = walk(op.selectionSet, 0, st, new Set());
    if (depth > LIMITS.depth) errors.push(new GraphQLError(`the operation is ${depth} fields deep; the limit is ${LIMITS.depth}`));
    if (!args.costLimit) continue;
    if (st.aliases > LIMITS.aliases) errors.push(new GraphQLError(`the operation has ${st.aliases} aliases; the limit is ${LIMITS.aliases}`));
    if (st.selections > LIMITS.selections) errors.push(new GraphQLError(`the operation costs ${st.selections} selections; the limit is ${LIMITS.selections}`));
  }
  return errors;
}

const refuse = (status, message) => ({ status, body: { errors: [{ message }] } });

// A parse or execution error: GraphQL's errors[], or, --unvalidated, a framework's error object.
function failure(e) {
  if (!args.unvalidated) return { status: 400, body: { errors: [format(e)] } };
  const error = { status: 500, message: e.message };
  if (!hardened) error.stack = String((e.originalError || e).stack || '');
  return { status: 500, body: { error } };
}

async function run(params, method) {
  if (!params || typeof params !== 'object') return refuse(400, 'the request is not a GraphQL request');
  let query = params.query;
  if (hardened && args.persistedOnly) {
    const pq = params.extensions && params.extensions.persistedQuery;
    query = pq && registered.get(pq.sha256Hash);
    if (!query) return refuse(400, 'PersistedQueryNotFound');
  }
  if (typeof query !== 'string') return refuse(400, 'no query');
  let doc;
  try {
    doc = parse(query);
  } catch (e) {
    return failure(e);
  }
  const rules = introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  let errors = args.unvalidated ? [] : validate(schema, doc, rules);
  if (!errors.length && hardened) errors = limitErrors(doc);
  if (errors.length) return { status: 400, body: { errors: errors.map(format) } };
  const op = getOperationAST(doc, params.operationName);
  if (hardened && method === 'GET' && op && op.operation !== 'query') return refuse(405, 'mutations are accepted over POST only');
  let variables = params.variables;
  if (typeof variables === 'string') {
    try { variables = JSON.parse(variables); } catch (e) { return refuse(400, 'variables are not JSON'); }
  }
  const result = await execute({ schema, document: doc, rootValue, variableValues: variables, operationName: params.operationName });
  if (args.unvalidated && result.errors) return failure(result.errors[0]);
  const body = {};
  if (result.errors) body.errors = result.errors.map(format);
  if ('data' in result) body.data = result.data;
  return { status: 200, body };
}

// The request's GraphQL parameters, or a refusal.
function params(req, raw, url) {
  if (req.method === 'GET') return { value: Object.fromEntries(url.searchParams) };
  if (req.method !== 'POST') return { refusal: refuse(405, 'GET or POST') };
  const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (!hardened && type === 'application/x-www-form-urlencoded') return { value: Object.fromEntries(new URLSearchParams(raw)) };
  if (type !== 'application/json' && (hardened || type !== 'text/plain')) return { refusal: refuse(415, 'send application/json') };
  try {
    return { value: JSON.parse(raw) };
  } catch (e) {
    return { refusal: refuse(400, 'the body is not JSON') };
  }
}

async function handle(req, res, raw) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const send = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname !== '/graphql') {
    res.writeHead(404, { 'Content-Type': 'text/html' });
    return res.end('<h1>Not found</h1>');
  }
  const p = params(req, raw, url);
  if (p.refusal) return send(p.refusal.status, p.refusal.body);
  if (Array.isArray(p.value)) {
    if (hardened) return send(400, { errors: [{ message: 'batched operations are not accepted' }] });
    const results = await Promise.all(p.value.map((one) => run(one, req.method)));
    return send(200, results.map((r) => r.body));
  }
  const r = await run(p.value, req.method);
  return send(r.status, r.body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 1 << 20) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [format(e)] }));
    });
  });
});
server.keepAliveTimeout = 2000;
server.listen(args.port, '127.0.0.1', () => {
  if (args.ready) fs.writeFileSync(args.ready, String(server.address().port));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
