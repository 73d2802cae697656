package io.mongoditto.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.cli.ExitCodes;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, at a small scale: local MongoDB and Ditto, seed, live changes, store
 * devices writing into Ditto, a conflict, compare both directions, the quiet check.
 */
class DemoCommandIT {

  private static final Pattern ROW =
      Pattern.compile("(?m)^(\\w+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+(OK|MISMATCH)");

  private static final Pattern PROGRESS_DONE =
      Pattern.compile("(?m)^(\\w+)\\s+([\\d,]+) / [\\d,]+ \\(\\s*\\d+%\\).*\\bdone$");

  private static final Pattern DEVICE_ORDER =
      Pattern.compile(
          "(?m)^  order \\d+ \\(\\d item\\(s\\)\\) from a device -> in MongoDB as _id [0-9a-f]{24}$");

  private static final Pattern DEVICE_ROW =
      Pattern.compile(
          "(?m)^(orders|order_items|inventory)\\s+(new|counts changed|deleted)\\s+(\\d+)\\s+(\\d+)\\s+(OK|MISMATCH)$");

  private static final Pattern CONFLICT =
      Pattern.compile("Ditto decided (\\d+) \\(.*\\); MongoDB followed: both hold (\\d+)");

  @Test
  void demoEndsWithEqualCountsAndExitCodeZero() {
    CliRun r = CliRun.run("demo", "--scale", "0.003", "--live-changes", "200", "--sample", "10");
    assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
    Map<String, long[]> rows = new HashMap<>();
    Matcher m = ROW.matcher(r.out());
    while (m.find()) {
      rows.put(m.group(1), new long[] {parse(m.group(2)), parse(m.group(3))});
      assertEquals("OK", m.group(4), r::toString);
    }
    for (String c :
        new String[] {
          "stores", "customers", "categories", "products", "inventory", "orders", "order_items"
        }) {
      long[] counts = rows.get(c);
      assertTrue(counts != null, () -> c + " missing from the summary\n" + r);
      assertEquals(counts[0], counts[1], () -> c + ": MongoDB vs Ditto\n" + r);
      assertTrue(counts[0] > 0, () -> c + " is empty\n" + r);
    }
    assertTrue(r.out().contains("All collections match."), r::toString);
    // The progress lines count documents (in Ditto, against MongoDB's), not change records: each
    // collection's last line ends at MongoDB's count although live changes touched many of them
    // (MongoDB's count before the store devices added and deleted some afterwards).
    Matcher done = PROGRESS_DONE.matcher(r.out());
    Map<String, Long> progressed = new HashMap<>();
    while (done.find()) {
      progressed.put(done.group(1), parse(done.group(2)));
    }
    Map<String, Long> byDevices = new HashMap<>();
    Matcher deviceChange = DEVICE_ROW.matcher(r.out());
    while (deviceChange.find()) {
      long n = parse(deviceChange.group(4));
      switch (deviceChange.group(2)) {
        case "new" -> byDevices.merge(deviceChange.group(1), n, Long::sum);
        case "deleted" -> byDevices.merge(deviceChange.group(1), -n, Long::sum);
        default -> {}
      }
    }
    for (Map.Entry<String, long[]> row : rows.entrySet()) {
      assertEquals(
          row.getValue()[0] - byDevices.getOrDefault(row.getKey(), 0L),
          progressed.get(row.getKey()),
          () -> row.getKey() + ": the progress line's documents\n" + r);
    }
    assertTrue(
        Pattern.compile("Sync lag: a MongoDB write was readable in Ditto \\d+ ms later")
            .matcher(r.out())
            .find(),
        r::toString);
    assertTrue(
        r.out().contains("product_embeddings") && r.out().contains("not synced"), r::toString);

    // Ditto -> MongoDB: the devices' orders arrive with MongoDB ids, every row of their table is
    // OK, the conflict settles on one value on both sides, the reverse lag is measured, and then
    // nothing moves.
    Matcher order = DEVICE_ORDER.matcher(r.out());
    int orders = 0;
    while (order.find()) {
      orders++;
    }
    assertEquals(DemoCommand.DEVICE_ORDERS, orders, r::toString);
    Matcher device = DEVICE_ROW.matcher(r.out());
    int deviceRows = 0;
    while (device.find()) {
      deviceRows++;
      assertEquals(device.group(3), device.group(4), r::toString);
      assertEquals("OK", device.group(5), r::toString);
    }
    assertEquals(4, deviceRows, "new orders, new items, counts, the delete\n" + r);
    Matcher conflict = CONFLICT.matcher(r.out());
    assertTrue(conflict.find(), r::toString);
    assertEquals(conflict.group(1), conflict.group(2), "Ditto's decision is MongoDB's\n" + r);
    assertTrue(
        Pattern.compile("Sync lag: a Ditto write was readable in MongoDB \\d+ ms later")
            .matcher(r.out())
            .find(),
        r::toString);
    assertTrue(
        Pattern.compile("Status: MongoDB -> Ditto: applied .* \\| Ditto -> MongoDB: applied \\d+,")
            .matcher(r.out())
            .find(),
        r::toString);
    assertTrue(
        Pattern.compile(
                "(?m)^Quiet: in \\d+ s, 0 MongoDB changes, 0 Ditto changes \\(CDC events\\), 0 writes"
                    + " to Ditto, 0 writes to MongoDB\\.$")
            .matcher(r.out())
            .find(),
        r::toString);
    assertTrue(
        Pattern.compile("metrics +http://127.0.0.1:\\d+/metrics").matcher(r.out()).find(),
        r::toString);
  }

  private static long parse(String n) {
    return Long.parseLong(n.replace(",", ""));
  }
}
