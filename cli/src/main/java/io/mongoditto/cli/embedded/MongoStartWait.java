package io.mongoditto.cli.embedded;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import io.mongoditto.config.MongoConnectionConfig;
import io.mongoditto.mongo.MongoClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runner restarted while MongoDB is unreachable (a crash or a reboot during an outage) waits for
 * it instead of exiting at the start-up validation: it has offsets, so it only has to carry on. A
 * first start (no offsets file yet) is not held up: an unreachable MongoDB there is more likely a
 * wrong address, which validation reports at once.
 */
final class MongoStartWait {

  private static final Logger LOG = LoggerFactory.getLogger(MongoStartWait.class);
  private static final long FIRST_WAIT_MS = 1000;
  private static final long MAX_WAIT_MS = 30_000;
  private static final int PING_TIMEOUT_MS = 5000;

  /** One attempt to reach MongoDB: true when it answered. */
  interface Ping {
    boolean reachable();
  }

  /** How the wait sleeps; false when interrupted. */
  interface Sleeper {
    boolean sleep(long millis);
  }

  private MongoStartWait() {}

  /**
   * Waits while MongoDB is unreachable, if {@code offsetsFile} exists; returns at once otherwise,
   * once MongoDB answers, or when {@code stopping} says so.
   *
   * @return how many attempts found MongoDB unreachable
   */
  static int await(Path offsetsFile, Ping ping, BooleanSupplier stopping, Sleeper sleeper) {
    if (!Files.exists(offsetsFile)) {
      return 0;
    }
    int failed = 0;
    long wait = FIRST_WAIT_MS;
    while (!stopping.getAsBoolean() && !ping.reachable()) {
      failed++;
      LOG.warn(
          "MongoDB is unreachable; this runner has offsets ({}), so it waits for MongoDB and tries"
              + " again in {} s (attempt {})",
          offsetsFile,
          wait / 1000,
          failed);
      if (!sleeper.sleep(wait)) {
        break;
      }
      wait = Math.min(MAX_WAIT_MS, wait * 2);
    }
    return failed;
  }

  /** A ping of the MongoDB the settings name; other failures (a refused login) count as reached. */
  static Ping ping(Map<String, String> settings) {
    return ping(settings, PING_TIMEOUT_MS);
  }

  static Ping ping(Map<String, String> settings, int timeoutMs) {
    return () -> {
      MongoConnectionConfig config;
      try {
        config =
            MongoConnectionConfig.from(
                new AbstractConfig(MongoConnectionConfig.define(new ConfigDef()), settings, false));
      } catch (RuntimeException invalid) {
        return true; // validation names the key
      }
      try (MongoClient client =
          MongoClientFactory.create(config, "mongo-ditto-run", timeoutMs, timeoutMs)) {
        client.getDatabase(config.database()).runCommand(new Document("ping", 1));
        return true;
      } catch (MongoTimeoutException | MongoSocketException unreachable) {
        return false;
      } catch (RuntimeException other) {
        return true; // reachable, but something else is wrong: validation says what
      }
    };
  }
}
