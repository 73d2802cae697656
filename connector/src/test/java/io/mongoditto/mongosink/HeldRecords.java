package io.mongoditto.mongosink;

import io.mongoditto.change.SweepMarker;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A test transformation that holds a source's records of one topic ({@code topic}) on their way to
 * Kafka until the test opens the gate: with a small {@code buffer.capacity} the copy then cannot
 * end, so a test can make changes while a copy is known to be running (its first records were
 * read). Records of other topics (the stream position stored before a copy starts) and sweep
 * markers (sent before the copy reads) pass. Changes nothing. The gate is static: the worker runs
 * in the test's JVM, and one test at a time uses it.
 */
public final class HeldRecords<R extends ConnectRecord<R>> implements Transformation<R> {

  private static volatile CountDownLatch arrived = new CountDownLatch(0);
  private static volatile CountDownLatch open = new CountDownLatch(0);

  /** Closes the gate: records wait from now on until {@link #openGate()}. */
  static void closeGate() {
    arrived = new CountDownLatch(1);
    open = new CountDownLatch(1);
  }

  static void openGate() {
    open.countDown();
  }

  /** Waits until a record reached the closed gate; false on timeout. */
  static boolean awaitArrival(long seconds) throws InterruptedException {
    return arrived.await(seconds, TimeUnit.SECONDS);
  }

  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = String.valueOf(configs.get("topic"));
  }

  @Override
  public R apply(R record) {
    if (!topic.equals(record.topic()) || SweepMarker.isMarker(record.value())) {
      return record;
    }
    arrived.countDown();
    try {
      if (!open.await(5, TimeUnit.MINUTES)) {
        throw new ConnectException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted", e);
    }
    return record;
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef()
        .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "The topic held");
  }

  @Override
  public void close() {}
}
