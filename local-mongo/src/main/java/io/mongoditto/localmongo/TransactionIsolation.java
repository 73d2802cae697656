package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.Document;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps a transaction's writes away from everyone else until it ends. A real server never shows
 * other sessions a transaction's uncommitted writes; this server applies them to the collections at
 * once (and undoes them on abort), so here a collection an open transaction used is held by it:
 * commands of other sessions on that collection wait until the transaction commits or aborts, and
 * then see only what was committed. That is one of the orders a real server could have run them in;
 * it serializes more than a real server, never less.
 *
 * <p>Without it, a client killed in the middle of a transaction left writes that others read as
 * committed until the transaction's lifetime ended and the abort undid them, without any change
 * event: a consumer that read them then decided nothing was left to write, and the write was lost.
 *
 * <p>A transaction's command that waits too long for another transaction gets a {@code
 * WriteConflict} (with the {@code TransientTransactionError} label drivers retry the transaction
 * on), as on a real server, so two transactions waiting for each other cannot hang. Other commands
 * wait until the holder ends; an abandoned one ends with its lifetime.
 */
final class TransactionIsolation {

  /** The commands that read or write a collection's documents (a change stream does not wait). */
  private static final Set<String> DOCUMENT_COMMANDS =
      Set.of(
          "find", "count", "distinct", "aggregate", "insert", "update", "delete", "findandmodify");

  private final Map<String, Transaction> holders = new HashMap<>();
  private final long transactionWaitNanos;
  private final long otherWaitNanos;

  /**
   * @param transactionWait how long a transaction's command waits for another transaction before
   *     its WriteConflict
   * @param otherWait how long any other command waits (beyond it, something is wrong: the holder
   *     outlived its lifetime)
   */
  TransactionIsolation(long transactionWait, long otherWait, TimeUnit unit) {
    this.transactionWaitNanos = unit.toNanos(transactionWait);
    this.otherWaitNanos = unit.toNanos(otherWait);
  }

  /**
   * The collection a command reads or writes documents of, as "database.collection", or null.
   *
   * @param changeStream whether the command opens a change stream (it reads no documents)
   */
  static String namespaceOf(
      String databaseName, String command, Document query, boolean changeStream) {
    if (changeStream || !DOCUMENT_COMMANDS.contains(command.toLowerCase(Locale.ROOT))) {
      return null;
    }
    return query.get(command) instanceof String collection ? databaseName + "." + collection : null;
  }

  /**
   * Runs {@code command} once no other open transaction holds {@code namespace}; a command of
   * {@code transaction} then holds it for that transaction until it ends.
   *
   * @param namespace from {@link #namespaceOf}; null runs the command at once
   * @param transaction the command's transaction, or null
   * @throws Transactions.TransactionError WriteConflict when a transaction waited too long
   */
  <T> T run(String namespace, Transaction transaction, Supplier<T> command) {
    if (namespace != null) {
      enter(namespace, transaction);
    }
    return command.get();
  }

  private synchronized void enter(String namespace, Transaction transaction) {
    long deadline =
        System.nanoTime() + (transaction == null ? otherWaitNanos : transactionWaitNanos);
    while (true) {
      Transaction holder = holders.get(namespace);
      if (holder == null
          || holder == transaction
          || holder.state() != Transaction.State.IN_PROGRESS) {
        break;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw Transactions.writeConflict(namespace, holder.txnNumber());
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Transactions.writeConflict(namespace, holder.txnNumber());
      }
    }
    if (transaction != null) {
      holders.put(namespace, transaction);
    }
  }

  /** The transaction ended: what it held is free. */
  synchronized void ended(Transaction transaction) {
    if (holders.values().removeIf(h -> h == transaction)) {
      notifyAll();
    }
  }
}
