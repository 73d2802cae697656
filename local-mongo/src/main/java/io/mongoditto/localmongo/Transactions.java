package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multi-document transactions as a MongoDB 7.0 replica set runs them for drivers: commands with
 * {@code lsid}, {@code txnNumber} and {@code autocommit: false} (the first also {@code
 * startTransaction: true}) belong to the session's transaction, which {@code commitTransaction} or
 * {@code abortTransaction} end. Retryable writes carry lsid and txnNumber without autocommit and
 * are not transactions. Misuse gets MongoDB's error codes and labels (NoSuchTransaction 251 with
 * TransientTransactionError, TransactionTooOld 225, ...).
 *
 * <p>Other sessions do not see a transaction's writes before it ends ({@link
 * TransactionIsolation}).
 *
 * <p>A transaction nobody ends is aborted after its lifetime (a real server's
 * transactionLifetimeLimitSeconds, 60 s by default), when its session ends ({@code endSessions}),
 * or when its session starts a newer transaction or retryable write.
 */
final class Transactions implements AutoCloseable {

  /** A real server's default transactionLifetimeLimitSeconds. */
  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

  /** Sessions unused this long are forgotten (a real server's logicalSessionTimeoutMinutes). */
  private static final long SESSION_IDLE_NANOS = TimeUnit.MINUTES.toNanos(30);

  /**
   * The lsid.uid a server without authentication gives every session: the SHA-256 of the empty user
   * name.
   */
  private static final byte[] UNAUTHENTICATED_UID = sha256("");

  private static final List<String> TRANSIENT = List.of("TransientTransactionError");

  /**
   * How long a transaction's command waits for a collection another transaction holds before its
   * WriteConflict (a real server waits 5 ms for a document's lock,
   * maxTransactionLockRequestTimeout; here whole collections are held, so a little longer before
   * the driver retries).
   */
  private static final Duration TRANSACTION_WAIT = Duration.ofMillis(500);

  /** How much longer than a transaction's lifetime another command waits for its end. */
  private static final Duration OTHER_WAIT_BEYOND_LIFETIME = Duration.ofSeconds(10);

  /** One logical session: the newest txnNumber it used and its latest transaction. */
  private static final class Session {
    final Document lsid;
    long highestTxnNumber = Long.MIN_VALUE;
    Transaction transaction;
    volatile long lastUsedNanos = System.nanoTime();

    Session(Document lsid) {
      this.lsid = lsid;
    }
  }

  /** A command error with MongoDB's code, name and labels. */
  static final class TransactionError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Document reply;

    TransactionError(int code, String codeName, String message, List<String> labels) {
      super(message, null, false, false);
      reply =
          new Document("ok", 0.0)
              .append("errmsg", message)
              .append("code", code)
              .append("codeName", codeName);
      if (!labels.isEmpty()) {
        reply.append("errorLabels", labels);
      }
    }

    Document reply() {
      return reply.clone();
    }
  }

  private final ChangeEventLog log;
  private final long lifetimeNanos;
  private final TransactionIsolation isolation;
  private final Map<Object, Session> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService reaper =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "local-mongo-transaction-reaper");
            t.setDaemon(true);
            return t;
          });

  Transactions(ChangeEventLog log, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("transaction lifetime must be positive, was " + lifetime);
    }
    this.log = log;
    this.lifetimeNanos = lifetime.toNanos();
    this.isolation =
        new TransactionIsolation(
            TRANSACTION_WAIT.toNanos(),
            lifetimeNanos + OTHER_WAIT_BEYOND_LIFETIME.toNanos(),
            TimeUnit.NANOSECONDS);
    long period = Math.max(10, Math.min(1000, lifetime.toMillis() / 4));
    reaper.scheduleWithFixedDelay(this::reap, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs a command: inside its session's transaction when it has {@code autocommit}, else as is
   * (after noting a retryable write's txnNumber). A command of a transaction that fails aborts the
   * transaction, as on a real server. Either waits while another open transaction holds the
   * command's collection ({@link TransactionIsolation}).
   *
   * @param namespace the collection whose documents the command reads or writes, or null
   */
  Document run(String namespace, Document query, Supplier<Document> command) {
    Object lsid = query.get("lsid");
    Object txnNumber = query.get("txnNumber");
    if (!query.containsKey("autocommit")) {
      if (query.containsKey("startTransaction")) {
        return invalidOptions("startTransaction requires autocommit: false").reply();
      }
      if (lsid instanceof Document session && txnNumber instanceof Number n) {
        try {
          noteRetryableWrite(session, n.longValue());
        } catch (TransactionError e) {
          return e.reply();
        }
      }
      try {
        return isolation.run(namespace, null, command);
      } catch (TransactionError e) {
        return e.reply();
      }
    }
    Transaction transaction;
    try {
      if (!Boolean.FALSE.equals(query.get("autocommit"))) {
        throw invalidOptions("Specifying autocommit=true is not allowed.");
      }
      if (!(lsid instanceof Document session) || !(txnNumber instanceof Number n)) {
        throw invalidOptions("Transactions need a session (lsid) and a txnNumber.");
      }
      transaction =
          Boolean.TRUE.equals(query.get("startTransaction"))
              ? begin(session, n.longValue())
              : find(session, n.longValue());
    } catch (TransactionError e) {
      return e.reply();
    }
    transaction.lock().lock();
    try {
      checkInProgress(transaction);
      Document reply;
      try {
        reply = transaction.run(() -> isolation.run(namespace, transaction, command));
      } catch (RuntimeException e) {
        transaction.abort();
        throw e;
      }
      if (failed(reply)) {
        transaction.abort();
      }
      return reply;
    } catch (TransactionError e) {
      return e.reply();
    } finally {
      transaction.lock().unlock();
    }
  }

  /**
   * Waits until no open transaction holds the collection, so a read made outside any command
   * ({@code fullDocument: updateLookup}) sees only committed writes; after a transaction's lifetime
   * and more it reads anyway.
   */
  void awaitCommitted(String namespace) {
    try {
      isolation.run(namespace, null, () -> null);
    } catch (TransactionError stillHeld) {
      // the holder outlived its lifetime by far: read what there is
    }
  }

  /** {@code commitTransaction}: publishes the events; repeating it after success is fine. */
  Document commit(String databaseName, Document query) {
    return end("commitTransaction", databaseName, query, true);
  }

  /** {@code abortTransaction}: undoes the writes and publishes nothing. */
  Document abort(String databaseName, Document query) {
    return end("abortTransaction", databaseName, query, false);
  }

  private Document end(String command, String databaseName, Document query, boolean commit) {
    try {
      if (!"admin".equals(databaseName)) {
        throw new TransactionError(
            13,
            "Unauthorized",
            command + " may only be run against the admin database.",
            List.of());
      }
      if (!(query.get("lsid") instanceof Document session)
          || !(query.get("txnNumber") instanceof Number n)
          || !Boolean.FALSE.equals(query.get("autocommit"))) {
        throw new TransactionError(
            125, "CommandFailed", command + " must be run within a transaction", List.of());
      }
      Transaction transaction = find(session, n.longValue());
      transaction.lock().lock();
      try {
        if (commit && transaction.state() == Transaction.State.COMMITTED) {
          return new Document("ok", 1.0);
        }
        checkInProgress(transaction);
        if (commit) {
          transaction.commit(log);
        } else {
          transaction.abort();
        }
        return new Document("ok", 1.0);
      } finally {
        transaction.lock().unlock();
      }
    } catch (TransactionError e) {
      return e.reply();
    }
  }

  /** {@code endSessions}: the sessions' open transactions are aborted. */
  void endSessions(Document query) {
    if (query.get("endSessions") instanceof List<?> ended) {
      for (Object lsid : ended) {
        if (lsid instanceof Document d) {
          Session session = sessions.remove(d.get("id"));
          if (session != null) {
            Transaction transaction = transactionOf(session);
            if (transaction != null) {
              transaction.abort();
            }
          }
        }
      }
    }
  }

  private Transaction begin(Document lsid, long txnNumber) {
    Session session = sessions.computeIfAbsent(lsid.get("id"), id -> new Session(withUid(lsid)));
    Transaction replaced;
    Transaction started;
    synchronized (session) {
      session.lastUsedNanos = System.nanoTime();
      if (txnNumber < session.highestTxnNumber) {
        throw tooOld(txnNumber, session.highestTxnNumber);
      }
      if (txnNumber == session.highestTxnNumber) {
        throw new TransactionError(
            117,
            "ConflictingOperationInProgress",
            "Cannot start a transaction at given transaction number "
                + txnNumber
                + " a transaction with the same number is in state "
                + (session.transaction == null ? "retryable write" : session.transaction.state()),
            List.of());
      }
      replaced = session.transaction;
      started =
          new Transaction(
              session.lsid, txnNumber, System.nanoTime() + lifetimeNanos, isolation::ended);
      session.transaction = started;
      session.highestTxnNumber = txnNumber;
    }
    if (replaced != null) {
      replaced.abort();
    }
    return started;
  }

  /** The session's transaction with this number. */
  private Transaction find(Document lsid, long txnNumber) {
    Session session = sessions.get(lsid.get("id"));
    if (session != null) {
      synchronized (session) {
        session.lastUsedNanos = System.nanoTime();
        if (txnNumber < session.highestTxnNumber) {
          throw tooOld(txnNumber, session.highestTxnNumber);
        }
        if (session.transaction != null && session.transaction.txnNumber() == txnNumber) {
          return session.transaction;
        }
      }
    }
    throw new TransactionError(
        251,
        "NoSuchTransaction",
        "Given transaction number "
            + txnNumber
            + " does not match any in-progress transactions."
            + (session == null ? "" : " The active transaction number is " + activeNumber(session)),
        TRANSIENT);
  }

  private static long activeNumber(Session session) {
    synchronized (session) {
      return session.highestTxnNumber;
    }
  }

  /** A newer txnNumber on a session (a retryable write) aborts its open transaction. */
  private void noteRetryableWrite(Document lsid, long txnNumber) {
    Session session = sessions.get(lsid.get("id"));
    if (session == null) {
      return;
    }
    Transaction replaced = null;
    synchronized (session) {
      session.lastUsedNanos = System.nanoTime();
      if (txnNumber < session.highestTxnNumber) {
        throw tooOld(txnNumber, session.highestTxnNumber);
      }
      if (txnNumber > session.highestTxnNumber) {
        replaced = session.transaction;
        session.transaction = null;
        session.highestTxnNumber = txnNumber;
      }
    }
    if (replaced != null) {
      replaced.abort();
    }
  }

  private static void checkInProgress(Transaction transaction) {
    switch (transaction.state()) {
      case ABORTED ->
          throw new TransactionError(
              251,
              "NoSuchTransaction",
              "Transaction with { txnNumber: " + transaction.txnNumber() + " } has been aborted.",
              TRANSIENT);
      case COMMITTED ->
          throw new TransactionError(
              256,
              "TransactionCommitted",
              "Transaction with { txnNumber: " + transaction.txnNumber() + " } has been committed.",
              List.of());
      case IN_PROGRESS -> {}
    }
  }

  private static boolean failed(Document reply) {
    return !(reply.get("ok") instanceof Number ok && ok.doubleValue() == 1.0)
        || reply.get("writeErrors") instanceof List<?> errors && !errors.isEmpty();
  }

  private static TransactionError tooOld(long txnNumber, long newer) {
    return new TransactionError(
        225,
        "TransactionTooOld",
        "Cannot start transaction "
            + txnNumber
            + " on session because a newer transaction "
            + newer
            + " has already started.",
        List.of());
  }

  /** The error of a command that waited too long for another transaction's collection. */
  static TransactionError writeConflict(String namespace, long holder) {
    return new TransactionError(
        112,
        "WriteConflict",
        "Write conflict: "
            + namespace
            + " is in use by open transaction "
            + holder
            + ". Please retry your operation or multi-document transaction.",
        TRANSIENT);
  }

  private static TransactionError invalidOptions(String message) {
    return new TransactionError(72, "InvalidOptions", message, List.of());
  }

  /** The session as a real server records it: the client's id and the user's digest. */
  private static Document withUid(Document lsid) {
    Object uid = lsid.get("uid");
    return new Document("id", lsid.get("id"))
        .append("uid", uid != null ? uid : new BinData(UNAUTHENTICATED_UID.clone()));
  }

  /** Aborts expired transactions and forgets idle sessions. */
  private void reap() {
    long now = System.nanoTime();
    for (Map.Entry<Object, Session> entry : sessions.entrySet()) {
      Transaction transaction = transactionOf(entry.getValue());
      if (transaction != null && transaction.expired(now) && transaction.lock().tryLock()) {
        try {
          LOG.info(
              "aborting transaction {} of session {}: it outlived its lifetime",
              transaction.txnNumber(),
              entry.getKey());
          transaction.abort();
        } finally {
          transaction.lock().unlock();
        }
      }
    }
    sessions
        .values()
        .removeIf(
            session -> {
              Transaction transaction = transactionOf(session);
              boolean open =
                  transaction != null && transaction.state() == Transaction.State.IN_PROGRESS;
              return !open && now - session.lastUsedNanos > SESSION_IDLE_NANOS;
            });
  }

  private static Transaction transactionOf(Session session) {
    synchronized (session) {
      return session.transaction;
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  @Override
  public void close() {
    reaper.shutdownNow();
  }
}
