package io.mongoditto.cli.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  private static String print(SyncVerifier.Result r) {
    StringWriter s = new StringWriter();
    ResultTable.print(
        new PrintWriter(s), List.of(r), DeadLetterPlaces.describe(Map.of("errors.topic", "z.err")));
    return s.toString();
  }

  @Test
  void skippedDocumentsLowerWhatDittoShouldHold() {
    SyncVerifier.Result r =
        new SyncVerifier.Result(
            "c", "c", 3, 2, 3, List.of(), List.of("_id 1.5: Floats are not supported"));
    assertTrue(r.matches());
    String out = print(r);
    assertTrue(out.contains("skipped 1 document(s)") && out.contains("_id 1.5: Floats"), out);
    assertTrue(out.contains("errors topic z.err"), out);
    assertTrue(out.contains("All collections match."), out);
  }

  @Test
  void fewerInDittoSaysWhereUndeliverableDocumentsWent() {
    String out = print(new SyncVerifier.Result("c", "c", 5, 3, 0, List.of(), List.of()));
    assertTrue(out.contains("MISMATCH"), out);
    assertTrue(out.contains("Ditto holds 2 document(s) fewer"), out);
    assertTrue(
        out.contains("undeliverable documents go to:") && out.contains("--dead-letters"), out);
  }

  @Test
  void aMatchingCollectionGetsNoHint() {
    String out = print(new SyncVerifier.Result("c", "c", 5, 5, 0, List.of(), List.of()));
    assertFalse(out.contains("undeliverable"), out);
  }
}
