package io.mongoditto.connect;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both sink tasks ask of the worker, tolerating older workers and the runner's and tests'
 * stand-ins: plugin metrics, the dead-letter reporter, and waiting for a report.
 */
public final class SinkContexts {

  private static final Logger LOG = LoggerFactory.getLogger(SinkContexts.class);

  private SinkContexts() {}

  /**
   * The worker's plugin metrics for the task (KIP-877, Kafka 4.1+), or null where there are none.
   */
  public static PluginMetrics pluginMetrics(SinkTaskContext context) {
    try {
      return context == null ? null : context.pluginMetrics();
    } catch (NoSuchMethodError | NoClassDefFoundError | UnsupportedOperationException e) {
      LOG.info("this worker has no plugin metrics (Kafka before 4.1): metrics are not exported");
      return null;
    }
  }

  /** The dead-letter reporter, or null without a dead-letter queue. */
  public static ErrantRecordReporter reporter(SinkTaskContext context) {
    try {
      return context == null ? null : context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null; // a worker older than Kafka 2.6
    }
  }

  /** Waits for a bad record's report: the record's offset may be committed only after it. */
  public static void awaitReport(Future<Void> report) {
    try {
      report.get();
    } catch (ExecutionException e) {
      throw new ConnectException(
          "reporting a bad record failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while reporting a bad record", e);
    }
  }
}
