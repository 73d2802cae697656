package io.mongoditto.bench;

import java.lang.management.ManagementFactory;

/** The machine the figures were measured on, printed beside them. */
record Machine(int cores, long maxHeapBytes, long totalMemoryBytes, String java, String os) {

  static Machine current() {
    long total = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      total = os.getTotalMemorySize();
    }
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory(),
        total,
        System.getProperty("java.vm.name") + " " + Runtime.version(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }

  String describe() {
    return String.format(
        "%d cores, max heap %s, total memory %s, %s, %s",
        cores, Units.bytes(maxHeapBytes), Units.bytes(totalMemoryBytes), java, os);
  }
}
