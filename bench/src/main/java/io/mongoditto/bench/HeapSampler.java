package io.mongoditto.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Samples the heap of this JVM: the most ever in use (garbage included, as the GC lets it grow),
 * and the most still in use right after a collection (what the run really holds).
 */
final class HeapSampler implements AutoCloseable {

  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peakUsed;
  private volatile long peakAfterGc;

  HeapSampler() {
    thread = new Thread(this::loop, "bench-heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long afterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        MemoryUsage collected = pool.getCollectionUsage();
        if (collected != null) {
          afterGc += collected.getUsed();
        }
      }
    }
    peakUsed = Math.max(peakUsed, used);
    peakAfterGc = Math.max(peakAfterGc, afterGc);
  }

  /** Most heap in use at any sample (every 20 ms), garbage not yet collected included. */
  long peakUsed() {
    return peakUsed;
  }

  long peakAfterGc() {
    return peakAfterGc;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    sample();
  }
}
