package io.mongoditto.source;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A test transformation that holds every record for {@code delay.ms} on its way to Kafka, so that a
 * copy of a few hundred documents lasts long enough on a real worker to restart its task in the
 * middle of it. Changes nothing.
 */
public final class SlowRecords<R extends ConnectRecord<R>> implements Transformation<R> {

  private static final String DELAY_MS = "delay.ms";

  private long delayMs;

  @Override
  public void configure(Map<String, ?> configs) {
    Object delay = configs.get(DELAY_MS);
    delayMs = delay == null ? 0 : Long.parseLong(delay.toString());
  }

  @Override
  public R apply(R record) {
    try {
      Thread.sleep(delayMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted", e);
    }
    return record;
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef()
        .define(DELAY_MS, ConfigDef.Type.LONG, 0L, ConfigDef.Importance.LOW, "Delay per record");
  }

  @Override
  public void close() {}
}
