package io.mongoditto.e2e.faults;

/** Thread.sleep without the checked exception (the suite is single-purpose test code). */
final class Pause {

  private Pause() {}

  static void millis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
