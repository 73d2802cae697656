'use strict';
// The server's transaction id (the HTTP API's transactionId, the CDC events' txnId, what
// X-DITTO-TXN-ID is compared with): one counter in <dataDir>/txn-id that survives restarts. It is
// rewritten in place as 20 digits, one small write(2) that a killed process cannot tear.
const fs = require('fs');
const path = require('path');

const DIGITS = 20;

class TxnCounter {
  constructor(dataDir) {
    const file = path.join(dataDir, 'txn-id');
    this.fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w+');
    const stored = fs.readFileSync(file, 'utf8').trim();
    this.value = stored ? Number(stored) : 0;
  }

  set(txnId) {
    if (txnId === this.value) return;
    if (!(txnId > this.value)) throw new Error(`transaction id must increase: ${txnId} after ${this.value}`);
    fs.writeSync(this.fd, String(txnId).padStart(DIGITS, '0'), 0);
    this.value = txnId;
  }

  close() {
    fs.closeSync(this.fd);
  }
}

module.exports = { TxnCounter };
