package io.mongoditto.e2e.faults;

import io.mongoditto.localmongo.LocalMongo;
import java.time.Duration;

/** The local MongoDB of the suites that kill processes writing MongoDB in transactions. */
final class FaultMongo {

  /**
   * The server's transactionLifetimeLimitSeconds (a real server's default is 60 s). A process
   * killed in the middle of a transaction leaves it open; the collections it used wait for its end
   * (no one sees its writes, as on a real server), so the suites keep that wait short.
   */
  static final Duration TRANSACTION_LIFETIME = Duration.ofSeconds(10);

  private FaultMongo() {}

  static LocalMongo start(int historySize) {
    return LocalMongo.builder()
        .historySize(historySize)
        .transactionLifetime(TRANSACTION_LIFETIME)
        .start();
  }
}
