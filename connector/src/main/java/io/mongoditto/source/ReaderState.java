package io.mongoditto.source;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;

/**
 * Whether one collection's reader goes on, and how it ends: shared by its {@link
 * CollectionStreamReader} and its {@link SnapshotCopier}. A reader ends when the task stops it or
 * the task's buffer closed (the task stopped or failed).
 */
final class ReaderState {

  private final SourceBuffer buffer;
  private volatile boolean running = true;

  ReaderState(SourceBuffer buffer) {
    this.buffer = buffer;
  }

  boolean active() {
    return running && !buffer.isClosed();
  }

  void stop() {
    running = false;
  }

  /** Fails the task with {@code message}, logged at ERROR by {@code log}. */
  void fail(Logger log, String message) {
    log.error(message);
    buffer.fail(new ConnectException(message));
  }

  /** Fails the task with {@code message} and its cause, logged at ERROR by {@code log}. */
  void fail(Logger log, String message, Throwable cause) {
    log.error(message, cause);
    buffer.fail(new ConnectException(message, cause));
  }

  /** Sleeps {@code ms}; false when the reader must end. */
  boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return active();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
