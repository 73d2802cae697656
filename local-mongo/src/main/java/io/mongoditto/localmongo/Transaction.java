package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multi-document transaction. Its writes are applied to the collections at once (other sessions
 * wait for its end before they read them: {@link TransactionIsolation}); their change events wait
 * here and enter the {@link ChangeEventLog} together at commit. Each write also leaves the
 * document's prior state in an undo log, which an abort replays backwards, without change events.
 *
 * <p>Writes find the transaction of the request running on their thread through {@link #current()}:
 * mongo-java-server runs a command's writes on the thread that handles the command. Commands of the
 * transaction, its commit and its abort hold {@link #lock()}.
 */
final class Transaction {

  private static final Logger LOG = LoggerFactory.getLogger(Transaction.class);

  private static final ThreadLocal<Transaction> CURRENT = new ThreadLocal<>();

  enum State {
    IN_PROGRESS,
    COMMITTED,
    ABORTED
  }

  /** A document as it was before one write of the transaction; null before an insert. */
  private record Undo(ChangeStreamCollection collection, Object id, Document before) {}

  private final Document lsid;
  private final long txnNumber;
  private final long deadlineNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Consumer<Transaction> ended;

  private volatile State state = State.IN_PROGRESS;
  private List<ChangeEvent.Draft> events = new ArrayList<>();
  private List<Undo> undo = new ArrayList<>();
  private boolean rollingBack;

  /**
   * @param lsid the session as change events show it: {@code {id: <UUID>, uid: <SHA-256>}}
   * @param deadlineNanos the {@link System#nanoTime()} after which the transaction expires
   * @param ended told when the transaction commits or aborts
   */
  Transaction(Document lsid, long txnNumber, long deadlineNanos, Consumer<Transaction> ended) {
    this.lsid = lsid;
    this.txnNumber = txnNumber;
    this.deadlineNanos = deadlineNanos;
    this.ended = ended;
  }

  /** The transaction whose command runs on this thread, or null. */
  static Transaction current() {
    return CURRENT.get();
  }

  long txnNumber() {
    return txnNumber;
  }

  State state() {
    return state;
  }

  ReentrantLock lock() {
    return lock;
  }

  boolean expired(long nowNanos) {
    return state == State.IN_PROGRESS && nowNanos - deadlineNanos > 0;
  }

  /** Runs one command of this transaction: its writes record here instead of in the log. */
  <T> T run(Supplier<T> command) {
    Transaction previous = CURRENT.get();
    CURRENT.set(this);
    try {
      return command.get();
    } finally {
      CURRENT.set(previous);
    }
  }

  /** Holds a write's change event until the commit. */
  void record(ChangeEvent.Draft event) {
    if (!rollingBack) {
      events.add(event);
    }
  }

  /**
   * Remembers the state of a document before a write of this transaction.
   *
   * @param before a copy of the document, or null when the write inserted it
   */
  void remember(ChangeStreamCollection collection, Object id, Document before) {
    if (!rollingBack) {
      undo.add(new Undo(collection, id, before));
    }
  }

  /** Publishes the transaction's events; the caller holds {@link #lock()}. */
  void commit(ChangeEventLog log) {
    if (state != State.IN_PROGRESS) {
      throw new IllegalStateException("transaction " + txnNumber + " is " + state);
    }
    log.appendTransaction(events, lsid, txnNumber);
    state = State.COMMITTED;
    events = List.of();
    undo = List.of();
    ended.accept(this);
  }

  /** Undoes the transaction's writes, newest first, and publishes nothing. */
  void abort() {
    lock.lock();
    try {
      if (state != State.IN_PROGRESS) {
        return;
      }
      rollingBack = true;
      Transaction previous = CURRENT.get();
      CURRENT.set(this);
      try {
        for (int i = undo.size() - 1; i >= 0; i--) {
          Undo u = undo.get(i);
          try {
            u.collection().restore(u.id(), u.before());
          } catch (RuntimeException e) {
            // e.g. a unique index now held by a document written outside the transaction
            LOG.warn(
                "could not undo a write of transaction {} on {} (_id {}): {}",
                txnNumber,
                u.collection().getFullName(),
                u.id(),
                e.toString());
          }
        }
      } finally {
        CURRENT.set(previous);
        rollingBack = false;
      }
      state = State.ABORTED;
      events = List.of();
      undo = List.of();
      ended.accept(this);
    } finally {
      lock.unlock();
    }
  }
}
