'use strict';
// Ditto's cloud HTTP execute API (POST /api/v5/store/execute and /api/v4/store/execute) served by
// the real Ditto engine (@dittolive/ditto, offline, smallPeersOnly). A tool for tests, demos and
// laptops: one process, one store, one API key.
//
// Usage: node server.js [--port N] [--host H] [--api-key KEY] [--data-dir DIR]
//                       [--cdc [--cdc-filter COLLECTION=WHERE]... [--cdc-segment-bytes N]]
//   --port 0 (default) picks a free port. Without --api-key (or LOCAL_DITTO_API_KEY) a key is
//   generated and printed. When ready it prints one line on stdout:
//   LOCAL_DITTO_READY {"port":N,"host":"127.0.0.1","endpoint":"http://127.0.0.1:N"}
//   --cdc writes Ditto's Change Data Capture events to <data-dir>/cdc (see change-capture.js,
//   cdc-log.js); --cdc-filter is a Data Bridge filter per collection ('*' = collections not listed).
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { classify } = require('./dql-mutation');
const { CdcLog } = require('./cdc-log');
const { ChangeCapture } = require('./change-capture');
const { TxnCounter } = require('./txn-counter');

const DOCUMENT_HARD_LIMIT = 5 * 1024 * 1024; // Ditto's documented per-document hard limit
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
const USAGE = 'usage: server.js [--port N] [--host H] [--api-key KEY] [--data-dir DIR] '
  + '[--cdc [--cdc-filter COLLECTION=WHERE]... [--cdc-segment-bytes N]]';

function parseArgs(argv) {
  const opts = { port: 0, host: '127.0.0.1', apiKey: process.env.LOCAL_DITTO_API_KEY || null, dataDir: null,
    cdc: false, cdcFilters: new Map(), cdcSegmentBytes: 16 * 1024 * 1024 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') opts.port = Number.parseInt(next(), 10);
    else if (a === '--host') opts.host = next();
    else if (a === '--api-key') opts.apiKey = next();
    else if (a === '--data-dir') opts.dataDir = next();
    else if (a === '--cdc') opts.cdc = true;
    else if (a === '--cdc-filter') {
      const spec = next();
      const eq = spec.indexOf('=');
      if (eq <= 0 || spec.slice(eq + 1).trim() === '') throw new Error('--cdc-filter needs COLLECTION=WHERE');
      opts.cdcFilters.set(spec.slice(0, eq), spec.slice(eq + 1));
    } else if (a === '--cdc-segment-bytes') opts.cdcSegmentBytes = Number.parseInt(next(), 10);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port must be 0-65535');
  if (!Number.isInteger(opts.cdcSegmentBytes) || opts.cdcSegmentBytes < 1) throw new Error('--cdc-segment-bytes must be positive');
  if (!opts.cdc && opts.cdcFilters.size > 0) throw new Error('--cdc-filter needs --cdc');
  return opts;
}

function errorBody(description) {
  return { transactionId: null, queryType: 'unknown', items: [], mutatedDocumentIds: [],
    error: { description }, warnings: [], totalWarningsCount: 0 };
}

// An error answered with a status of its own (not the engine's 400/500 classification).
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function send(res, status, body, headers) {
  const text = JSON.stringify(body, (k, v) => (typeof v === 'bigint' ? Number(v) : v));
  res.writeHead(status, Object.assign({ 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }, headers || {}));
  res.end(text);
}

// Bytes of each document an INSERT would write, checked before the engine sees it, as the cloud does.
function oversizedDocument(statement, args) {
  if (!/^\s*insert\b/i.test(statement) || !args) return null;
  for (const value of Object.values(args)) {
    const docs = Array.isArray(value) ? value : [value];
    for (const doc of docs) {
      if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
        const size = Buffer.byteLength(JSON.stringify(doc));
        if (size > DOCUMENT_HARD_LIMIT) {
          return `Document \`_id = ${JSON.stringify(doc._id)}\` size is ${size} bytes and exceeds limit of ${DOCUMENT_HARD_LIMIT} bytes`;
        }
      }
    }
  }
  return null;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const generatedKey = !opts.apiKey;
  const apiKey = opts.apiKey || crypto.randomBytes(24).toString('base64url');
  const ownsDataDir = !opts.dataDir;
  const dataDir = opts.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'local-ditto-'));
  fs.mkdirSync(dataDir, { recursive: true });

  const { Ditto, DittoConfig, Logger, init } = require('@dittolive/ditto');
  Logger.enabled = false; // the engine logs every statement at INFO otherwise
  await init();
  // A stable app id per data dir so a restart on the same dir opens the same store.
  const idFile = path.join(dataDir, 'local-ditto-app-id');
  const appId = fs.existsSync(idFile) ? fs.readFileSync(idFile, 'utf8').trim() : crypto.randomUUID();
  fs.writeFileSync(idFile, appId);
  const ditto = await Ditto.open(new DittoConfig(appId, { mode: 'smallPeersOnly' }, path.join(dataDir, 'store')));

  // One store serves both API versions, as the cloud does: v4 runs with DQL strict mode on, v5
  // with it off. The mode is a store-wide system setting, so statements run one at a time and the
  // mode is switched (ALTER SYSTEM SET DQL_STRICT_MODE) only when the next statement needs the other.
  // Running one at a time is also what lets the CDC feed read documents before and after a statement.
  let queue = Promise.resolve();
  let strictMode = null;
  const serialized = (fn) => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };
  const engine = (statement, args) => ditto.store.execute(statement, args);
  const txn = new TxnCounter(dataDir);
  let capture = null;
  if (opts.cdc) {
    for (const [collection, where] of opts.cdcFilters) {
      const probe = collection === '*' ? '`local_ditto_filter_probe`' : `\`${collection.replace(/`/g, '``')}\``;
      try {
        await engine(`SELECT _id FROM ${probe} WHERE (${where}) LIMIT 1`, {});
      } catch (e) {
        throw new Error(`--cdc-filter ${collection}=${where} is not a valid DQL WHERE clause: ${e.message}`);
      }
    }
    capture = new ChangeCapture(engine, new CdcLog(path.join(dataDir, 'cdc'), opts.cdcSegmentBytes, txn), opts.cdcFilters);
    await serialized(() => capture.recover());
  }

  // Runs one statement; returns the engine's result and the transaction id to answer with.
  const execute = (strict, statement, args, awaitedTxnId) => serialized(async () => {
    // Ditto's read-your-writes header: this single store has seen every transaction it numbered.
    if (awaitedTxnId !== null && awaitedTxnId > txn.value) {
      throw new HttpError(404, `Transaction ${awaitedTxnId} not found: the latest transaction is ${txn.value}`);
    }
    if (strictMode !== strict) {
      await engine(`ALTER SYSTEM SET DQL_STRICT_MODE = ${strict}`, {});
      strictMode = strict;
    }
    if (!capture) {
      const result = await engine(statement, args);
      if (result.mutatedDocumentIDsV2().length > 0) txn.set(txn.value + 1);
      return { result, txnId: txn.value };
    }
    const plan = classify(statement);
    if (plan.kind === 'unsupported') throw new HttpError(400, plan.reason);
    if (plan.kind !== 'read') return { result: await capture.run(plan, statement, args), txnId: txn.value };
    const result = await engine(statement, args);
    // Not expected from the statements classified as reads; if one changed documents anyway, no
    // event describes the change: tell consumers to re-read.
    if (result.mutatedDocumentIDsV2().length > 0) capture.requery(txn.value + 1);
    return { result, txnId: txn.value };
  });

  const authorized = (req) => {
    const auth = req.headers.authorization || '';
    if (!auth.startsWith('Bearer ')) return 'Missing Authorization: Bearer <API key> header';
    const presented = Buffer.from(auth.slice(7).trim());
    const expected = Buffer.from(apiKey);
    if (presented.length !== expected.length || !crypto.timingSafeEqual(presented, expected)) return 'Invalid API key';
    return null;
  };

  const handle = async (req, res, bodyBytes) => {
    const admin = /^\/local-ditto\/cdc\/requery\/?(\?.*)?$/.test(req.url || '');
    const match = /^\/api\/(v4|v5)\/store\/execute\/?(\?.*)?$/.exec(req.url || '');
    if (!match && !admin) return send(res, 404, errorBody(`No route for ${req.method} ${req.url}`));
    if (req.method !== 'POST') return send(res, 405, errorBody('Only POST is supported'), { Allow: 'POST' });
    const denied = authorized(req);
    if (denied) return send(res, 401, errorBody(denied));
    if (admin) {
      // Not a Ditto API: lets tests make consumers take their re-query path.
      if (!capture) return send(res, 409, errorBody('The CDC feed is off (start with --cdc)'));
      const txnId = await serialized(() => capture.requery());
      return send(res, 200, { txnId });
    }
    if (bodyBytes === null) return send(res, 413, errorBody(`Request body exceeds ${MAX_REQUEST_BYTES} bytes`));
    let body;
    try {
      body = JSON.parse(bodyBytes.toString('utf8'));
    } catch (e) {
      return send(res, 400, errorBody(`Request body is not valid JSON: ${e.message}`));
    }
    if (!body || typeof body.statement !== 'string' || body.statement.trim() === '') {
      return send(res, 400, errorBody('Request body needs a "statement" string'));
    }
    const args = body.args == null ? {} : body.args;
    if (typeof args !== 'object' || Array.isArray(args)) {
      return send(res, 400, errorBody('"args" must be an object'));
    }
    const awaited = req.headers['x-ditto-txn-id'];
    if (awaited !== undefined && !/^\s*\d+\s*$/.test(awaited)) {
      return send(res, 400, errorBody('X-DITTO-TXN-ID must be a transaction id (a non-negative integer)'));
    }
    const oversized = oversizedDocument(body.statement, args);
    if (oversized) return send(res, 400, errorBody(oversized));
    try {
      const { result, txnId } = await execute(match[1] === 'v4', body.statement, args,
        awaited === undefined ? null : Number(awaited));
      const mutated = result.mutatedDocumentIDsV2();
      send(res, 200, {
        transactionId: txnId,
        queryType: mutated.length > 0 || !/^\s*(select|show)\b/i.test(body.statement) ? 'mutation' : 'select',
        items: result.items.map((i) => i.value),
        mutatedDocumentIds: mutated,
        warnings: [],
        totalWarningsCount: 0,
      });
    } catch (e) {
      if (e instanceof HttpError) return send(res, e.status, errorBody(e.message));
      const code = String((e && e.code) || '');
      const message = String((e && e.message) || e);
      // Engine errors about the statement or its values are the client's fault (400, as the
      // cloud answers invalid DQL and type mismatches); anything else is a server error.
      const clientError = code.startsWith('query/') || /InvalidCBOR|not supported in document IDs|Invalid/i.test(message);
      send(res, clientError ? 400 : 500, errorBody(message));
    }
  };

  const server = http.createServer((req, res) => {
    // The whole body is read before any answer, errors included: a client still sending when the
    // answer comes (and the connection closes under it) may never see that answer.
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      handle(req, res, size > MAX_REQUEST_BYTES ? null : Buffer.concat(chunks)).catch((e) => {
        if (!res.headersSent) send(res, 500, errorBody(String((e && e.message) || e)));
      });
    });
  });

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    server.close();
    try { await queue; await ditto.close(); if (capture) capture.log.close(); txn.close(); } catch (e) { /* exiting anyway */ }
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // When started by a parent that keeps our stdin open (the Java launcher), exit with it.
  if (process.env.LOCAL_DITTO_EXIT_ON_STDIN_EOF === '1') {
    process.stdin.on('end', shutdown);
    process.stdin.on('error', shutdown);
    process.stdin.resume();
  }

  // Node closes idle keep-alive connections after 5 s; Java's HttpClient keeps them for 20 minutes and
  // may send on one just as Node closes it ("header parser received no bytes"). Keep them open longer
  // than clients leave them idle in practice, as a cloud load balancer does.
  server.keepAliveTimeout = 120000;
  server.headersTimeout = 121000;

  server.listen(opts.port, opts.host, () => {
    const port = server.address().port;
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    if (generatedKey) console.log(`LOCAL_DITTO_API_KEY ${apiKey}`);
    console.log(`LOCAL_DITTO_READY ${JSON.stringify({ port, host: opts.host, endpoint: `http://${host}:${port}`, dataDir })}`);
  });
}

main().catch((e) => {
  console.error(`local-ditto: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
