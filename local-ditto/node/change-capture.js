'use strict';
// Runs a mutation statement with its change events: reads the documents it may touch, runs it,
// reads what it touched, and appends one event per changed document (Ditto cloud's CDC shape) to
// the log before the caller answers. Statements run one at a time (the server's queue), so
// nothing changes the store between the reads and the statement.
const { jsonText } = require('./cdc-log');

// Keys sorted at every level: two equal JSON values give the same text.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return jsonText(value);
}

// `_id IN :ids` matches ids of one kind only on this engine (strings, numbers, objects, ...).
function idKind(id) {
  if (Array.isArray(id)) return 'array';
  return id === null ? 'null' : typeof id;
}

const isTrue = (where) => /^\s*\(?\s*true\s*\)?\s*$/i.test(where);

class ChangeCapture {
  /**
   * @param execute (statement, args) => engine result, already inside the server's queue
   * @param filters Map collection -> DQL WHERE clause; '*' for collections not listed
   */
  constructor(execute, log, filters) {
    this.execute = execute;
    this.log = log;
    this.filters = filters;
  }

  filterFor(collection) {
    const where = this.filters.has(collection) ? this.filters.get(collection) : this.filters.get('*');
    return where == null || isTrue(where) ? null : where;
  }

  /** Documents by canonical id, read in one query per id kind. */
  async readByIds(spec, ids, filter) {
    const byKind = new Map();
    for (const id of ids) {
      const kind = idKind(id);
      if (!byKind.has(kind)) byKind.set(kind, []);
      byKind.get(kind).push(id);
    }
    const found = new Map();
    for (const group of byKind.values()) {
      const where = filter ? `_id IN :cdc_ids AND (${filter})` : '_id IN :cdc_ids';
      const result = await this.execute(`SELECT * FROM ${spec} WHERE ${where}`, { cdc_ids: group });
      for (const item of result.items) found.set(canonical(item.value._id), item.value);
    }
    return found;
  }

  /** The ids an INSERT names in its document parameters (documents without one get a new id). */
  static insertIds(plan, args) {
    const ids = [];
    for (const name of plan.docParams || []) {
      const value = args[name];
      for (const doc of Array.isArray(value) ? value : [value]) {
        if (doc && typeof doc === 'object' && doc._id !== undefined && doc._id !== null) ids.push(doc._id);
      }
    }
    return ids;
  }

  /** Values before the statement, by canonical id. */
  async valuesBefore(plan, args, insertIds) {
    if (plan.kind === 'insert') return this.readByIds(plan.collectionSpec, insertIds, null);
    const where = plan.where === null ? '' : ` WHERE ${plan.where}`;
    const result = await this.execute(`SELECT * FROM ${plan.collectionSpec}${where}`, args);
    const before = new Map();
    for (const item of result.items) before.set(canonical(item.value._id), item.value);
    return before;
  }

  /** Runs one INSERT/UPDATE/DELETE (classified by dql-mutation.js); returns the engine's result. */
  async run(plan, statement, args) {
    const insertIds = plan.kind === 'insert' ? ChangeCapture.insertIds(plan, args) : null;
    const before = await this.valuesBefore(plan, args, insertIds);
    const filter = this.filterFor(plan.collection);
    // A removal is reported when the removed value matched the filter: ask before it is gone.
    const matchedBefore = plan.kind === 'delete' && filter && before.size > 0
      ? await this.readByIds(plan.collectionSpec, [...before.values()].map((d) => d._id), filter)
      : null;
    const txnId = this.log.counter.value + 1;
    this.log.recordPending({
      txnId, kind: plan.kind, collection: plan.collection, collectionSpec: plan.collectionSpec,
      ids: insertIds || [...before.values()].map((d) => d._id),
      before: [...before.values()], matchedBefore: matchedBefore ? [...matchedBefore.keys()] : null,
    });
    let result;
    try {
      result = await this.execute(statement, args);
    } catch (e) {
      this.log.clearPending(); // a failed statement changes nothing (the engine applies it whole or not)
      throw e;
    }
    crashHook();
    const touched = result.mutatedDocumentIDsV2();
    await this.commit(txnId, plan, before, matchedBefore, touched);
    return result;
  }

  /**
   * Appends the events of the documents among `touched` whose value differs from `before`, under
   * `txnId`, and records the transaction id; no change, no event, no new transaction id.
   */
  async commit(txnId, plan, before, matchedBefore, touched) {
    const events = [];
    let changed = false;
    const event = (change) => ({ txnId, type: 'documentChanged', collection: plan.collection, change });
    if (plan.kind === 'delete') {
      for (const id of touched) {
        const key = canonical(id);
        if (!before.has(key)) continue;
        changed = true;
        if (!matchedBefore || matchedBefore.has(key)) events.push(event({ method: 'remove', value: before.get(key) }));
      }
    } else {
      const after = await this.readByIds(plan.collectionSpec, touched, null);
      const upserts = [];
      for (const id of touched) {
        const key = canonical(id);
        const newValue = after.get(key);
        const oldValue = before.has(key) ? before.get(key) : null;
        if (newValue === undefined || (oldValue !== null && canonical(oldValue) === canonical(newValue))) continue;
        upserts.push({ key, oldValue, newValue });
      }
      changed = upserts.length > 0;
      const filter = this.filterFor(plan.collection);
      const matching = filter && changed
        ? await this.readByIds(plan.collectionSpec, upserts.map((u) => u.newValue._id), filter)
        : null;
      for (const u of upserts) {
        if (!matching || matching.has(u.key)) {
          events.push(event({ method: 'upsert', oldValue: u.oldValue, newValue: u.newValue }));
        }
      }
    }
    if (changed) this.log.append(txnId, events);
    this.log.clearPending();
  }

  /**
   * After a crash between running a statement and appending its events: compares the values
   * recorded before it with the store's and appends what changed (possibly again).
   */
  async recover() {
    const pending = this.log.readPending();
    if (!pending) return;
    if (pending.txnId <= this.log.counter.value) {
      this.log.clearPending();
      return;
    }
    const before = new Map(pending.before.map((d) => [canonical(d._id), d]));
    const now = await this.readByIds(pending.collectionSpec, pending.ids, null);
    const gone = [...before.keys()].filter((k) => !now.has(k));
    const plan = { kind: pending.kind, collection: pending.collection, collectionSpec: pending.collectionSpec };
    const matchedBefore = pending.matchedBefore ? new Set(pending.matchedBefore) : null;
    if (plan.kind === 'delete') {
      await this.commit(pending.txnId, plan, before, matchedBefore, gone.map((k) => before.get(k)._id));
    } else {
      // Documents created by an INSERT whose ids were not known up front cannot be found again.
      await this.commit(pending.txnId, plan, before, null, [...now.values()].map((d) => d._id));
    }
  }

  /**
   * A change that no event describes (a statement the feed could not observe): consumers must
   * re-read everything, as after Ditto's own requeryRequired.
   */
  requery(newTxnId) {
    const txnId = newTxnId === undefined ? this.log.counter.value : newTxnId;
    this.log.append(txnId, [{ txnId, type: 'requeryRequired', documents: [] }]);
    return txnId;
  }
}

// Test hook: LOCAL_DITTO_TEST_CRASH_AFTER_MUTATIONS=N kills the process right after the engine ran
// the Nth observed statement and before its events are written, the window recovery is for.
let mutationsBeforeCrash = Number(process.env.LOCAL_DITTO_TEST_CRASH_AFTER_MUTATIONS || 0);
function crashHook() {
  if (mutationsBeforeCrash > 0 && --mutationsBeforeCrash === 0) process.kill(process.pid, 'SIGKILL');
}

module.exports = { ChangeCapture, canonical };
