package io.mongoditto.cli.verify;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The table {@code verify} (and the tools' {@code demo}) print: one row per collection. */
public final class ResultTable {

  private ResultTable() {}

  public static void print(PrintWriter out, List<SyncVerifier.Result> results) {
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
      for (String d : r.differences().subList(0, Math.min(10, r.differences().size()))) {
        out.println("    " + d);
      }
      mismatches += r.matches() ? 0 : 1;
    }
    out.println(mismatches == 0 ? "All collections match." : mismatches + " collection(s) differ.");
    out.flush();
  }
}
