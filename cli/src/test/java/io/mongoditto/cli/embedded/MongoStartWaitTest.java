package io.mongoditto.cli.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restarted runner waits out a MongoDB outage; a first start does not wait. */
class MongoStartWaitTest {

  @TempDir Path dir;

  @Test
  void aRestartWaitsWithGrowingPausesUntilMongoDbAnswers() throws Exception {
    Path offsets = Files.writeString(dir.resolve("o.offsets"), "{}");
    AtomicInteger attempts = new AtomicInteger();
    List<Long> pauses = new ArrayList<>();
    int failed =
        MongoStartWait.await(
            offsets,
            () -> attempts.incrementAndGet() > 7,
            () -> false,
            ms -> {
              pauses.add(ms);
              return true;
            });
    assertEquals(7, failed);
    assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L), pauses);
  }

  @Test
  void aFirstStartDoesNotWait() {
    AtomicInteger attempts = new AtomicInteger();
    int failed =
        MongoStartWait.await(
            dir.resolve("none.offsets"),
            () -> {
              attempts.incrementAndGet();
              return false;
            },
            () -> false,
            ms -> true);
    assertEquals(0, failed);
    assertEquals(0, attempts.get(), "not even asked");
  }

  @Test
  void stoppingEndsTheWait() throws Exception {
    Path offsets = Files.writeString(dir.resolve("o.offsets"), "{}");
    AtomicInteger attempts = new AtomicInteger();
    int failed =
        MongoStartWait.await(
            offsets, () -> false, () -> attempts.incrementAndGet() > 3, ms -> true);
    assertEquals(3, failed);
  }

  @Test
  void anUnreachableAddressIsSeenAsUnreachable() {
    MongoStartWait.Ping ping =
        MongoStartWait.ping(
            java.util.Map.of(
                "mongodb.uri",
                "mongodb://127.0.0.1:1/?directConnection=true",
                "mongodb.database",
                "x"),
            300);
    assertEquals(false, ping.reachable());
  }
}
