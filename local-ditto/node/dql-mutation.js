'use strict';
// Tells which documents a DQL statement can touch, so the CDC feed can read their values before and
// after it runs. Only the parts that matter are parsed (collection, WHERE clause, document
// parameters, ON ID CONFLICT policy); the engine itself parses and runs the statement.

const SUPPORTED_FORMS = 'INSERT INTO <c> DOCUMENTS (:param[, :param...]) [ON ID CONFLICT ...], '
  + 'INSERT INTO <c> ... without ON ID CONFLICT DO UPDATE/MERGE (creates documents only), '
  + 'UPDATE <c> SET/UNSET/APPLY ... [WHERE ...], DELETE FROM <c> [WHERE ...]';

// First words of statements that never change documents.
const READS = new Set(['SELECT', 'SHOW', 'EXPLAIN', 'ALTER', 'DESCRIBE']);

/** Tokens with their offsets in the text and their bracket depth; comments and blanks dropped. */
function tokenize(text) {
  const tokens = [];
  let depth = 0;
  let i = 0;
  const n = text.length;
  const quoted = (q, escapeByDoubling) => {
    let j = i + 1;
    while (j < n) {
      if (!escapeByDoubling && text[j] === '\\') { j += 2; continue; }
      if (text[j] === q) {
        if (escapeByDoubling && text[j + 1] === q) { j += 2; continue; }
        return j + 1;
      }
      j++;
    }
    throw new Error(`unterminated ${q} in statement`);
  };
  while (i < n) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated comment in statement');
      i = end + 2;
      continue;
    }
    let end;
    let type;
    if (c === "'" || c === '"') { end = quoted(c, false); type = 'string'; }
    else if (c === '`') { end = quoted(c, true); type = 'ident'; }
    else if (c === ':' && /[A-Za-z_]/.test(text[i + 1] || '')) {
      end = i + 1;
      while (end < n && /[A-Za-z0-9_]/.test(text[end])) end++;
      type = 'param';
    } else if (/[A-Za-z_$]/.test(c)) {
      end = i;
      while (end < n && /[A-Za-z0-9_$]/.test(text[end])) end++;
      type = 'word';
    } else {
      end = i + 1;
      type = 'punct';
    }
    if (c === ')' || c === ']' || c === '}') depth--;
    tokens.push({ type, text: text.slice(i, end), start: i, end, depth });
    if (c === '(' || c === '[' || c === '{') depth++;
    i = end;
  }
  return tokens;
}

const isWord = (t, w) => t && t.type === 'word' && t.text.toUpperCase() === w;

function identifierName(t) {
  if (t.type === 'ident') return t.text.slice(1, -1).replace(/``/g, '`');
  if (t.type === 'word') return t.text;
  return null;
}

/**
 * Reads `[COLLECTION] name [(type definitions)]` at tokens[at]. Returns the name, the source text
 * to put after FROM in reads of the same collection, and the index after it.
 */
function collectionAt(text, tokens, at) {
  let i = at;
  if (isWord(tokens[i], 'COLLECTION') && tokens[i + 1] && identifierName(tokens[i + 1]) !== null) i++;
  const nameToken = tokens[i];
  const name = nameToken ? identifierName(nameToken) : null;
  if (name === null) return null;
  let end = i + 1;
  if (i > at && tokens[end] && tokens[end].text === '(') {
    const depth = tokens[end].depth;
    end++;
    while (end < tokens.length && !(tokens[end].text === ')' && tokens[end].depth === depth)) end++;
    end++;
  }
  const last = tokens[Math.min(end, tokens.length) - 1];
  return { name, spec: text.slice(tokens[at].start, last.end), next: end };
}

/** The WHERE clause of an UPDATE/DELETE (null: every document), without LIMIT/ORDER BY/OFFSET. */
function whereAfter(text, tokens, from) {
  const top = tokens.slice(from).filter((t) => t.depth === 0);
  const where = top.find((t) => isWord(t, 'WHERE'));
  if (!where) return null;
  // A LIMIT picks some of the matching documents: reading all of them before is a superset.
  const stop = top.find((t) => t.start > where.start && (isWord(t, 'LIMIT') || isWord(t, 'ORDER') || isWord(t, 'OFFSET')));
  return text.slice(where.end, stop ? stop.start : text.length).trim();
}

function unsupported(what) {
  return { kind: 'unsupported', reason: `${what} cannot be observed by the local CDC feed; supported mutations: ${SUPPORTED_FORMS}` };
}

function classifyInsert(text, tokens) {
  if (!isWord(tokens[1], 'INTO')) return unsupported('This INSERT form');
  const coll = collectionAt(text, tokens, 2);
  if (!coll) return unsupported('An INSERT without a collection name');
  const top = tokens.filter((t, idx) => idx >= coll.next && t.depth === 0);
  const on = top.findIndex((t) => isWord(t, 'ON'));
  let policy = 'FAIL';
  if (on >= 0) {
    const words = top.slice(on + 1).map((t) => t.text.toUpperCase());
    if (words[0] !== 'ID' || words[1] !== 'CONFLICT') return unsupported('This ON clause');
    policy = words[2] === 'DO' ? words.slice(3).join(' ') : words.slice(2).join(' ');
  }
  // DOCUMENTS (or VALUES) followed only by parenthesised :params: their _ids are known up front.
  let docParams = null;
  const head = tokens[coll.next];
  if (isWord(head, 'DOCUMENTS') || isWord(head, 'VALUES')) {
    const groups = [];
    let i = coll.next + 1;
    while (tokens[i] && tokens[i].text === '(' && tokens[i].depth === 0) {
      const inner = [];
      i++;
      while (tokens[i] && !(tokens[i].text === ')' && tokens[i].depth === 0)) inner.push(tokens[i++]);
      i++;
      groups.push(inner);
      if (tokens[i] && tokens[i].text === ',' && tokens[i].depth === 0) i++; else break;
    }
    const onlyParams = groups.length > 0 && groups.every((g) => g.length === 1 && g[0].type === 'param');
    const restIsConflictClause = i === tokens.length || isWord(tokens[i], 'ON');
    if (onlyParams && restIsConflictClause) docParams = groups.map((g) => g[0].text.slice(1));
  }
  // Without known ids, only policies that never change an existing document can be observed: every
  // document they touch is new.
  if (docParams === null && policy !== 'FAIL' && policy !== 'NOTHING') {
    return unsupported(`INSERT ... ON ID CONFLICT DO ${policy} with literal documents or a SELECT`);
  }
  return { kind: 'insert', collection: coll.name, collectionSpec: coll.spec, docParams, policy };
}

/** What the CDC feed must do around one statement. */
function classify(statement) {
  let tokens;
  try {
    tokens = tokenize(statement);
  } catch (e) {
    return { kind: 'read' }; // malformed: the engine answers with its own parser error
  }
  if (tokens.length === 0 || tokens[0].type !== 'word') return { kind: 'read' };
  const first = tokens[0].text.toUpperCase();
  if (READS.has(first)) return { kind: 'read' };
  if (first === 'INSERT') return classifyInsert(statement, tokens);
  if (first === 'UPDATE') {
    const coll = collectionAt(statement, tokens, 1);
    if (!coll) return unsupported('An UPDATE without a collection name');
    return { kind: 'update', collection: coll.name, collectionSpec: coll.spec, where: whereAfter(statement, tokens, coll.next) };
  }
  if (first === 'DELETE') {
    if (!isWord(tokens[1], 'FROM')) return unsupported('This DELETE form');
    const coll = collectionAt(statement, tokens, 2);
    if (!coll) return unsupported('A DELETE without a collection name');
    return { kind: 'delete', collection: coll.name, collectionSpec: coll.spec, where: whereAfter(statement, tokens, coll.next) };
  }
  if (first === 'EVICT') return unsupported('EVICT (local-only in Ditto, not a cloud statement)');
  return unsupported(`A statement starting with ${first}`);
}

module.exports = { classify, tokenize, SUPPORTED_FORMS };
