'use strict';
// Ditto's cloud HTTP execute API (POST /api/v5/store/execute and /api/v4/store/execute) served by
// the real Ditto engine (@dittolive/ditto, offline, smallPeersOnly). A tool for tests, demos and
// laptops: one process, one store, one API key.
//
// Usage: node server.js [--port N] [--host H] [--api-key KEY] [--data-dir DIR]
//   --port 0 (default) picks a free port. Without --api-key (or LOCAL_DITTO_API_KEY) a key is
//   generated and printed. When ready it prints one line on stdout:
//   LOCAL_DITTO_READY {"port":N,"host":"127.0.0.1","endpoint":"http://127.0.0.1:N"}
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const DOCUMENT_HARD_LIMIT = 5 * 1024 * 1024; // Ditto's documented per-document hard limit
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

function parseArgs(argv) {
  const opts = { port: 0, host: '127.0.0.1', apiKey: process.env.LOCAL_DITTO_API_KEY || null, dataDir: null };
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
    else if (a === '--help' || a === '-h') {
      console.log('usage: server.js [--port N] [--host H] [--api-key KEY] [--data-dir DIR]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port must be 0-65535');
  return opts;
}

function errorBody(description) {
  return { transactionId: null, queryType: 'unknown', items: [], mutatedDocumentIds: [],
    error: { description }, warnings: [], totalWarningsCount: 0 };
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
  let queue = Promise.resolve();
  let strictMode = null;
  let lastTransactionId = 0;
  const serialized = (fn) => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };
  const execute = (strict, statement, args) => serialized(async () => {
    if (strictMode !== strict) {
      await ditto.store.execute(`ALTER SYSTEM SET DQL_STRICT_MODE = ${strict}`);
      strictMode = strict;
    }
    return ditto.store.execute(statement, args);
  });

  const server = http.createServer((req, res) => {
    const match = /^\/api\/(v4|v5)\/store\/execute\/?(\?.*)?$/.exec(req.url || '');
    if (!match) return send(res, 404, errorBody(`No route for ${req.method} ${req.url}`));
    if (req.method !== 'POST') return send(res, 405, errorBody('Only POST is supported'), { Allow: 'POST' });
    const auth = req.headers.authorization || '';
    if (!auth.startsWith('Bearer ')) return send(res, 401, errorBody('Missing Authorization: Bearer <API key> header'));
    const presented = Buffer.from(auth.slice(7).trim());
    const expected = Buffer.from(apiKey);
    if (presented.length !== expected.length || !crypto.timingSafeEqual(presented, expected)) {
      return send(res, 401, errorBody('Invalid API key'));
    }
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true; else chunks.push(c);
    });
    req.on('end', async () => {
      if (tooLarge) return send(res, 413, errorBody(`Request body exceeds ${MAX_REQUEST_BYTES} bytes`));
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
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
      const oversized = oversizedDocument(body.statement, args);
      if (oversized) return send(res, 400, errorBody(oversized));
      try {
        const result = await execute(match[1] === 'v4', body.statement, args);
        if (result.commitID != null) lastTransactionId = Number(result.commitID);
        const mutated = typeof result.mutatedDocumentIDsV2 === 'function' ? result.mutatedDocumentIDsV2() : [];
        send(res, 200, {
          transactionId: lastTransactionId,
          queryType: mutated.length > 0 || !/^\s*(select|show)\b/i.test(body.statement) ? 'mutation' : 'select',
          items: result.items.map((i) => i.value),
          mutatedDocumentIds: mutated,
          warnings: [],
          totalWarningsCount: 0,
        });
      } catch (e) {
        const code = String((e && e.code) || '');
        const message = String((e && e.message) || e);
        // Engine errors about the statement or its values are the client's fault (400, as the
        // cloud answers invalid DQL and type mismatches); anything else is a server error.
        const clientError = code.startsWith('query/') || /InvalidCBOR|not supported in document IDs|Invalid/i.test(message);
        send(res, clientError ? 400 : 500, errorBody(message));
      }
    });
  });

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    server.close();
    try { await queue; await ditto.close(); } catch (e) { /* exiting anyway */ }
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
