package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The hand-over between the readers and poll(), and how a reader's failure reaches poll(). */
class SourceBufferTest {

  private static SourceRecord record(String topic, int n) {
    return new SourceRecord(null, null, topic, null, null, n, null, n);
  }

  /**
   * Issue 13 item 10: a failure is thrown once what was put before it is handed out, although
   * another reader (a long copy) keeps putting records after it. Before, the failure waited for an
   * empty buffer.
   */
  @Test
  void aFailureIsThrownAfterTheRecordsBeforeItNotAfterEverythingElse() throws Exception {
    SourceBuffer buffer = new SourceBuffer(100);
    for (int i = 0; i < 3; i++) {
      assertTrue(buffer.put(record("orders", i)));
    }
    ConnectException dropped = new ConnectException("orders was dropped");
    buffer.fail(dropped);
    for (int i = 0; i < 50; i++) {
      assertTrue(buffer.put(record("customers", i)));
    }
    List<SourceRecord> first = buffer.poll(10, 100);
    assertEquals(
        List.of("orders", "orders", "orders"), first.stream().map(SourceRecord::topic).toList());
    ConnectException thrown = assertThrows(ConnectException.class, () -> buffer.poll(10, 100));
    assertSame(dropped, thrown);
    assertSame(dropped, assertThrows(ConnectException.class, () -> buffer.poll(10, 100)));
  }

  @Test
  void theRecordsBeforeAFailureComeOutOverSeveralPolls() throws Exception {
    SourceBuffer buffer = new SourceBuffer(100);
    for (int i = 0; i < 25; i++) {
      buffer.put(record("orders", i));
    }
    buffer.fail(new ConnectException("boom"));
    buffer.put(record("customers", 0));
    assertEquals(10, buffer.poll(10, 100).size());
    assertEquals(10, buffer.poll(10, 100).size());
    assertEquals(5, buffer.poll(10, 100).size());
    assertThrows(ConnectException.class, () -> buffer.poll(10, 100));
  }

  @Test
  void aFailureOfAFullBufferIsNotHeldUpAndItsPlacesAreFreed() throws Exception {
    SourceBuffer buffer = new SourceBuffer(2);
    buffer.put(record("a", 1));
    buffer.put(record("a", 2));
    assertEquals(2, buffer.size());
    CountDownLatch failed = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              buffer.fail(new ConnectException("boom"));
              failed.countDown();
            });
    reader.start();
    assertTrue(failed.await(5, TimeUnit.SECONDS), "fail() must not wait for room");
    assertEquals(2, buffer.size());
    assertEquals(2, buffer.poll(10, 100).size());
    assertThrows(ConnectException.class, () -> buffer.poll(10, 100));
  }

  @Test
  void withoutAFailurePollWaitsAndCloseEndsPuts() throws Exception {
    SourceBuffer buffer = new SourceBuffer(1);
    assertEquals(null, buffer.poll(10, 50));
    assertTrue(buffer.put(record("a", 1)));
    buffer.close();
    assertFalse(buffer.put(record("a", 2)), "a full, closed buffer refuses");
    assertEquals(1, buffer.poll(10, 50).size());
    assertFalse(buffer.failed());
  }
}
