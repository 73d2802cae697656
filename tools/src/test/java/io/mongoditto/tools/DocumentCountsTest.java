package io.mongoditto.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DocumentCountsTest {

  @Test
  void asksAgainOnlyOncePerIntervalAndPerCollection() {
    AtomicLong clock = new AtomicLong();
    AtomicInteger queries = new AtomicInteger();
    DocumentCounts counts =
        new DocumentCounts(
            c -> queries.incrementAndGet() * 10L + c.length(), Duration.ofSeconds(1), clock::get);
    assertEquals(16, counts.get("stores"));
    clock.addAndGet(Duration.ofMillis(999).toNanos());
    assertEquals(16, counts.get("stores"));
    assertEquals(29, counts.get("customers"));
    clock.addAndGet(Duration.ofMillis(1).toNanos());
    assertEquals(36, counts.get("stores"));
    assertEquals(3, queries.get());
  }
}
