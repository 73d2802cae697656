package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class CopyWindowTest {

  private static BsonDocument token(String data) {
    return new BsonDocument("_data", new BsonString(data));
  }

  @Test
  void coversEventsUpToTheEndAndClosesForGoodAtTheFirstPastIt() {
    CopyWindow window = CopyWindow.endingAt(token("8200000005"));
    assertTrue(window.covers(token("8200000001")));
    assertTrue(window.covers(token("8200000005")), "the end itself");
    assertFalse(window.covers(token("8200000006")));
    assertFalse(window.covers(token("8200000002")), "closed for good");
    assertFalse(window.open());
  }

  @Test
  void positionsCompareAsTokenTextWhateverTheCase() {
    CopyWindow window = CopyWindow.endingAt(token("82000000AB"));
    assertTrue(window.covers(token("82000000aa")));
    assertFalse(window.covers(token("82000000AC")));
  }

  @Test
  void anEmptyReadBeforeTheEndKeepsItOpenAndOneAtOrPastItClosesIt() {
    CopyWindow window = CopyWindow.endingAt(token("8200000005"));
    window.idleAt(token("8200000003"));
    assertTrue(window.open(), "more to read before the end");
    window.idleAt(token("8200000005"));
    assertFalse(window.open());
    assertFalse(window.covers(token("8200000004")));
  }

  @Test
  void withoutComparablePositionsOnlyAnEmptyReadClosesIt() {
    CopyWindow noEnd = CopyWindow.endingAt(null);
    assertTrue(noEnd.covers(token("82FFFFFFFF")));
    noEnd.idleAt(token("8200000001"));
    assertFalse(noEnd.open());

    CopyWindow binary = CopyWindow.endingAt(new BsonDocument("_data", new BsonInt32(5)));
    assertTrue(binary.covers(token("8200000001")));
    binary.idleAt(null);
    assertFalse(binary.covers(token("8200000001")));
  }

  @Test
  void noCopyNoWindow() {
    CopyWindow window = CopyWindow.none();
    assertFalse(window.covers(token("8200000001")));
    assertFalse(window.open());
  }

  @Test
  void whileOpenItsEndTravelsInTheOffsetsAndARestartContinuesIt() {
    CopyWindow window = CopyWindow.endingAt(token("8200000005"));
    SourceOffset.Stream inside = window.offset(token("8200000002"));
    assertEquals(token("8200000005"), inside.copyEnd());
    CopyWindow resumed = CopyWindow.resumed(SourceOffset.parse(inside.toMap()));
    assertTrue(resumed.covers(token("8200000003")));
    assertFalse(resumed.covers(token("8200000006")));
    assertNull(resumed.offset(token("8200000007")).copyEnd(), "past the end: dropped");
    assertFalse(CopyWindow.resumed(SourceOffset.stream(token("8200000001"))).open());
    assertFalse(CopyWindow.resumed(null).open());
  }
}
