package io.mongoditto.cli.verify;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The table {@code verify} (and the tools' {@code demo}) print: one row per collection. */
public final class ResultTable {

  private static final int EXAMPLES = 10;

  private ResultTable() {}

  public static void print(PrintWriter out, List<SyncVerifier.Result> results) {
    print(out, results, null);
  }

  /**
   * The table; {@code deadLetters} ({@link DeadLetterPlaces#describe}) is printed beside every
   * collection Ditto holds fewer documents of, or with documents Ditto refused to look up.
   */
  public static void print(PrintWriter out, List<SyncVerifier.Result> results, String deadLetters) {
    out.printf(Locale.ROOT, "%-20s %12s %12s  %s%n", "collection", "MongoDB", "Ditto", "result");
    int mismatches = 0;
    for (SyncVerifier.Result r : results) {
      String verdict = r.matches() ? "OK" : "MISMATCH";
      if (r.sampled() > 0) {
        verdict += " (" + r.sampled() + " sampled, " + r.differences().size() + " difference(s))";
      }
      out.printf(
          Locale.ROOT,
          "%-20s %,12d %,12d  %s%n",
          r.mongoCollection(),
          r.mongoCount(),
          r.dittoCount(),
          verdict);
      if (!r.skipped().isEmpty()) {
        out.printf(
            Locale.ROOT,
            "    skipped %,d document(s) Ditto refuses to look up, so cannot hold (not synced,"
                + " dead-lettered by the connector):%n",
            r.skipped().size());
        r.skipped().stream().limit(EXAMPLES).forEach(s -> out.println("      " + s));
      }
      for (String d : r.differences().subList(0, Math.min(EXAMPLES, r.differences().size()))) {
        out.println("    " + d);
      }
      long missing = r.expectedDittoCount() - r.dittoCount();
      if (missing > 0) {
        out.printf(
            Locale.ROOT,
            "    Ditto holds %,d document(s) fewer than expected: still on their way, or not"
                + " deliverable%n",
            missing);
      }
      if (deadLetters != null && (missing > 0 || !r.skipped().isEmpty())) {
        out.println("    undeliverable documents go to: " + deadLetters);
      }
      mismatches += r.matches() ? 0 : 1;
    }
    out.println(mismatches == 0 ? "All collections match." : mismatches + " collection(s) differ.");
    out.flush();
  }
}
