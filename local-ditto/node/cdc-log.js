'use strict';
// The local CDC feed's durable state in <dataDir>/cdc:
//   events-<n>.jsonl  the append-only event log, one JSON event per line, in segments; a reader
//                     (the Java Kafka bridge) consumes complete lines only and deletes segments it
//                     has produced once a newer one exists (this writer never appends to an older one)
//   pending.json      the statement being executed: its transaction id and the documents' values
//                     before it, so changes the engine applied before a crash get their events
// The transaction id is recorded (TxnCounter) after a transaction's events are written: a crash in
// between leaves pending.json, and recovery writes the events again (duplicates are allowed).
// Writes are plain write(2) calls, no fsync: they survive a kill of any process, not of the machine
// (the engine's own store is not synced per commit either).
const fs = require('fs');
const path = require('path');

const SEGMENT = /^events-(\d+)\.jsonl$/;

const jsonText = (value) => JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? Number(v) : v));

class CdcLog {
  constructor(dir, segmentBytes, counter) {
    this.dir = dir;
    this.counter = counter;
    this.segmentBytes = segmentBytes;
    fs.mkdirSync(dir, { recursive: true });
    const numbers = fs.readdirSync(dir).map((f) => SEGMENT.exec(f)).filter(Boolean).map((m) => Number(m[1]));
    this.segment = numbers.length ? Math.max(...numbers) : 1;
    const file = this.segmentPath(this.segment);
    this.dropPartialLine(file);
    this.fd = fs.openSync(file, 'a');
    this.size = fs.fstatSync(this.fd).size;
    const pendingFile = path.join(dir, 'pending.json');
    this.pendingFd = fs.openSync(pendingFile, fs.existsSync(pendingFile) ? 'r+' : 'w+');
  }

  segmentPath(n) {
    return path.join(this.dir, `events-${n}.jsonl`);
  }

  // A write cut short by a crash leaves a line without its newline; it was never acknowledged and
  // no reader consumed it (readers take complete lines only).
  dropPartialLine(file) {
    if (!fs.existsSync(file)) return;
    const data = fs.readFileSync(file);
    const end = data.lastIndexOf(0x0a) + 1;
    if (end < data.length) fs.truncateSync(file, end);
  }

  /** The statement about to run: what recovery needs if the process dies before append(). */
  recordPending(pending) {
    fs.ftruncateSync(this.pendingFd, 0);
    const bytes = Buffer.from(jsonText(pending));
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.pendingFd, bytes, written, bytes.length - written, written);
  }

  readPending() {
    try {
      const size = fs.fstatSync(this.pendingFd).size;
      if (size === 0) return null;
      const bytes = Buffer.alloc(size);
      fs.readSync(this.pendingFd, bytes, 0, size, 0);
      return JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      return null; // cut short by a crash before the statement ran: nothing to recover
    }
  }

  clearPending() {
    fs.ftruncateSync(this.pendingFd, 0);
  }

  /** Appends the events of one transaction (all in one segment) and then records its id. */
  append(txnId, events) {
    if (events.length > 0) {
      const bytes = Buffer.from(events.map((e) => jsonText(e) + '\n').join(''));
      if (this.size > 0 && this.size + bytes.length > this.segmentBytes) this.roll();
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
      this.size += bytes.length;
    }
    this.counter.set(txnId);
  }

  roll() {
    fs.closeSync(this.fd);
    this.segment++;
    this.fd = fs.openSync(this.segmentPath(this.segment), 'a');
    this.size = 0;
  }

  close() {
    fs.closeSync(this.fd);
    fs.closeSync(this.pendingFd);
  }
}

module.exports = { CdcLog, jsonText };
