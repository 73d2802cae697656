package io.mongoditto.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count, exported as a cumulative ({@code -total}) metric. */
public final class Counter {

  private final LongAdder adder = new LongAdder();

  public void increment() {
    adder.increment();
  }

  public void add(long n) {
    adder.add(n);
  }

  public long count() {
    return adder.sum();
  }
}
