package io.mongoditto.sink;

import static io.mongoditto.sink.Docs.norm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.localditto.LocalDitto;
import io.mongoditto.localditto.LocalDittoClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The statements the sink builds, checked on the real Ditto engine (local Ditto). */
class CollectionWriterEngineIT {

  private static LocalDitto ditto;
  private static LocalDittoClient reader;

  @BeforeAll
  static void start() {
    ditto = LocalDitto.start();
    reader = new LocalDittoClient(ditto);
  }

  @AfterAll
  static void stop() {
    ditto.close();
  }

  private static DittoHttpClient client(ApiVersion version) {
    return LocalDittoHttp.client(ditto, version, Duration.ofSeconds(10));
  }

  private static CollectionWriter writer(ApiVersion version) {
    return writer(
        version,
        WriterSettings.defaults().withRegistersOnly(version == ApiVersion.V4),
        new SinkMetrics(null));
  }

  private static CollectionWriter writer(
      ApiVersion version, WriterSettings settings, SinkMetrics metrics) {
    return new CollectionWriter(client(version), metrics, settings);
  }

  private static void apply(String collection, DittoChange... changes) {
    writer(ApiVersion.V5).apply(collection, BatchCollapser.collapse(List.of(changes)));
  }

  private static DittoChange up(
      String c, Object id, Map<String, Object> doc, List<String> unset, boolean replace) {
    return DittoChange.upsert(c, id, doc, unset, replace, 0, null);
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Object stored(String collection, Object id) {
    return Docs.byId(reader.select(collection)).get(norm(id));
  }

  @Test
  void replacesOfNewDocumentsTakeOneStatementAndExistingOnesAreStillReconciled() {
    Map<String, Object> old = map("_id", "e1", "stale", true, "n", map("p", 1));
    apply("w0", up("w0", "e1", old, List.of(), true));

    SinkMetrics fresh = new SinkMetrics(null);
    CollectionWriter w = writer(ApiVersion.V5, WriterSettings.defaults(), fresh);
    Map<String, Object> n1 = map("_id", "n1", "v", 1);
    Map<String, Object> n2 = map("_id", Map.of("store", 1L, "sku", "x"), "v", 2);
    w.apply(
        "w0",
        BatchCollapser.collapse(
            List.of(
                up("w0", "n1", n1, List.of(), true),
                up("w0", Map.of("store", 1L, "sku", "x"), n2, List.of(), true))));
    assertEquals(
        1,
        fresh.totals().statements(),
        "new documents: one INSERT ... DO NOTHING, no read, no upsert");
    assertEquals(2, fresh.totals().documentsUpserted());

    Map<String, Object> next = map("_id", "e1", "n", map("r", 2));
    Map<String, Object> n3 = map("_id", "n3", "v", 3);
    w.apply(
        "w0",
        BatchCollapser.collapse(
            List.of(up("w0", "e1", next, List.of(), true), up("w0", "n3", n3, List.of(), true))));
    assertEquals(norm(next), stored("w0", "e1"));
    assertEquals(norm(n1), stored("w0", "n1"));
    assertEquals(norm(n2), stored("w0", Map.of("store", 1L, "sku", "x")));
    assertEquals(norm(n3), stored("w0", "n3"));
    assertEquals(4, fresh.totals().documentsUpserted());
  }

  @Test
  void replaceLeavesExactlyTheNewDocumentNestedKeysIncluded() {
    apply(
        "w1",
        up(
            "w1",
            "a",
            map(
                "_id",
                "a",
                "keep",
                1,
                "gone",
                2,
                "n",
                map("p", 1, "q", map("r", 1, "s", 2)),
                "arr",
                List.of(1, 2, 3)),
            List.of(),
            true));
    Map<String, Object> next =
        map("_id", "a", "keep", 1, "n", map("p", 1, "q", map("r", 1)), "arr", List.of(9));
    apply("w1", up("w1", "a", next, List.of(), true));
    assertEquals(norm(next), stored("w1", "a"));
  }

  @Test
  void unsetPathsWithAwkwardNamesAreRemovedAndMissingPathsLeaveNoTrace() {
    Map<String, Object> first =
        map(
            "_id",
            "w",
            "x.y",
            1,
            "sp ace",
            2,
            "$d",
            3,
            "ünï",
            4,
            "we`ird",
            5,
            "n",
            map("a.b", 1, "k", 2),
            "s",
            7);
    apply("w2", up("w2", "w", first, List.of(), false));
    Map<String, Object> next = map("_id", "w", "n", map("k", 2), "s", 7);
    // "n.a.b" names the key "a.b" inside n; "nope.deep" and "s.t" do not exist (s is a scalar)
    apply(
        "w2",
        up(
            "w2",
            "w",
            next,
            List.of("x.y", "sp ace", "$d", "ünï", "we`ird", "n.a.b", "nope.deep", "s.t"),
            false));
    assertEquals(norm(next), stored("w2", "w"));
  }

  @Test
  void withoutReplaceFieldsNotListedSurvive() {
    apply("w3", up("w3", "a", map("_id", "a", "other", 1, "v", 1), List.of(), false));
    apply("w3", up("w3", "a", map("_id", "a", "v", 2), List.of(), false));
    assertEquals(norm(map("_id", "a", "other", 1, "v", 2)), stored("w3", "a"));
  }

  @Test
  void stringNumericAndCompositeIdsInOneBatch() {
    Map<String, Object> composite = map("store", "s1", "n", 2);
    apply(
        "w4",
        up("w4", "s", map("_id", "s", "v", 1, "old", 1), List.of(), false),
        up("w4", 42, map("_id", 42, "v", 1, "old", 1), List.of(), false),
        up("w4", composite, map("_id", composite, "v", 1, "old", 1), List.of(), false),
        up("w4", "d", map("_id", "d"), List.of(), false),
        up("w4", 43L, map("_id", 43L), List.of(), false));
    assertEquals(5, reader.select("w4").size());
    apply(
        "w4",
        up("w4", "s", map("_id", "s", "v", 2), List.of(), true),
        up("w4", 42L, map("_id", 42L, "v", 2), List.of("old"), false),
        up("w4", map("n", 2, "store", "s1"), map("_id", composite, "v", 2), List.of(), true),
        DittoChange.delete("w4", "d", 0, null),
        DittoChange.delete("w4", 43, 0, null));
    Map<Object, Object> all = Docs.byId(reader.select("w4"));
    assertEquals(
        Docs.byId(
            List.of(
                map("_id", "s", "v", 2), map("_id", 42, "v", 2), map("_id", composite, "v", 2))),
        all);
  }

  @Test
  void deleteThenUpsertInOneBatchIsTheNewDocumentOnly() {
    apply("w5", up("w5", "a", map("_id", "a", "old", 1, "n", map("p", 1)), List.of(), false));
    apply(
        "w5",
        DittoChange.delete("w5", "a", 0, null),
        up("w5", "a", map("_id", "a", "n", map("q", 1)), List.of(), false));
    assertEquals(norm(map("_id", "a", "n", map("q", 1))), stored("w5", "a"));
  }

  @Test
  void v4ApiReplacesNestedObjectsAndStillRemovesTopLevelFields() {
    CollectionWriter v4 = writer(ApiVersion.V4);
    v4.apply(
        "w6",
        BatchCollapser.collapse(
            List.of(
                up(
                    "w6",
                    "a",
                    map("_id", "a", "t", 1, "u", 1, "n", map("p", 1, "q", 2)),
                    List.of(),
                    true))));
    Map<String, Object> next = map("_id", "a", "n", map("p", 1));
    v4.apply(
        "w6", BatchCollapser.collapse(List.of(up("w6", "a", next, List.of("n.q", "u"), true))));
    assertEquals(norm(next), stored("w6", "a"));
  }

  @Test
  void largeBatchesAreSplitIntoUpsertsWithinTheByteBudget() {
    SinkMetrics local = new SinkMetrics(null);
    CollectionWriter small =
        writer(ApiVersion.V5, WriterSettings.defaults().withMaxRequestBytes(1000), local);
    List<DittoChange> changes = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      changes.add(up("w8", "d" + i, map("_id", "d" + i, "pad", "x".repeat(300)), List.of(), false));
    }
    small.apply("w8", BatchCollapser.collapse(changes));
    assertEquals(10, reader.select("w8").size());
    // each document is {"_id":"dN","pad":"x" * 300}: 321 JSON bytes, so three fit in 1000
    // (963) and a fourth does not (1284): 3 + 3 + 3 + 1, four upserts, nothing else
    assertEquals(4, local.totals().statements(), "3 documents per 1000-byte upsert, 10 documents");
  }

  @Test
  void aBadDocumentIsABadRequest() {
    DittoException.BadRequest e =
        assertThrows(
            DittoException.BadRequest.class,
            () ->
                apply(
                    "w7",
                    up(
                        "w7",
                        "big",
                        map("_id", "big", "s", "x".repeat(5 * 1024 * 1024 + 10)),
                        List.of(),
                        false)));
    assertTrue(e.dittoError().contains("exceeds limit"), e.dittoError());
  }

  // Engine 5.1.0: a scalar or array upserted over a map hides the map's keys instead of removing
  // them; they come back when the field is a map again (even after unsetting the scalar).
  @Test
  void replaceOfAMapByAScalarLeavesNoKeysToReappear() {
    apply("t1", up("t1", "a", map("_id", "a", "n", map("p", 1)), List.of(), true));
    apply("t1", up("t1", "a", map("_id", "a", "n", 5), List.of(), true));
    assertEquals(norm(map("_id", "a", "n", 5)), stored("t1", "a"));
    apply("t1", up("t1", "a", map("_id", "a", "n", map("r", 1)), List.of(), false));
    assertEquals(norm(map("_id", "a", "n", map("r", 1))), stored("t1", "a"));
  }

  @Test
  void nestedMapReplacedByAScalarLeavesNoKeysToReappear() {
    apply(
        "t2", up("t2", "a", map("_id", "a", "a", map("n", map("p", 1), "k", 1)), List.of(), true));
    apply("t2", up("t2", "a", map("_id", "a", "a", map("n", 5, "k", 1)), List.of(), true));
    apply(
        "t2", up("t2", "a", map("_id", "a", "a", map("n", map("r", 1), "k", 1)), List.of(), true));
    assertEquals(norm(map("_id", "a", "a", map("n", map("r", 1), "k", 1))), stored("t2", "a"));
  }

  @Test
  void mapReplacedByAnArrayOrNullLeavesNoKeysToReappear() {
    apply(
        "t3",
        up("t3", "a", map("_id", "a", "n", map("p", 1)), List.of(), true),
        up("t3", "b", map("_id", "b", "n", map("p", 1)), List.of(), true));
    apply(
        "t3",
        up("t3", "a", map("_id", "a", "n", List.of(1, 2)), List.of(), true),
        up("t3", "b", map("_id", "b", "n", null), List.of(), true));
    assertEquals(norm(map("_id", "a", "n", List.of(1, 2))), stored("t3", "a"));
    assertEquals(norm(map("_id", "b", "n", null)), stored("t3", "b"));
    apply(
        "t3",
        up("t3", "a", map("_id", "a", "n", map("r", 1)), List.of(), true),
        up("t3", "b", map("_id", "b", "n", map("r", 1)), List.of(), true));
    assertEquals(norm(map("_id", "a", "n", map("r", 1))), stored("t3", "a"));
    assertEquals(norm(map("_id", "b", "n", map("r", 1))), stored("t3", "b"));
  }

  @Test
  void arrayReplacedByAMapAndBackIsExact() {
    apply("t4", up("t4", "a", map("_id", "a", "n", List.of(1, map("p", 1))), List.of(), true));
    apply("t4", up("t4", "a", map("_id", "a", "n", map("r", 1)), List.of(), true));
    assertEquals(norm(map("_id", "a", "n", map("r", 1))), stored("t4", "a"));
    apply("t4", up("t4", "a", map("_id", "a", "n", List.of(2)), List.of(), true));
    assertEquals(norm(map("_id", "a", "n", List.of(2))), stored("t4", "a"));
  }

  // Engine 5.1.0: a map upserted over a scalar hides the scalar, and it comes back when the map is
  // unset (fault suite bug 4: a dropped field kept its old scalar).
  @Test
  void replaceOfAScalarByAMapLeavesNothingToReappear() {
    apply("t8", up("t8", "a", map("_id", "a", "n", 5, "k", 1), List.of(), true));
    apply("t8", up("t8", "a", map("_id", "a", "n", map("p", 1), "k", 1), List.of(), true));
    assertEquals(norm(map("_id", "a", "n", map("p", 1), "k", 1)), stored("t8", "a"));
    apply("t8", up("t8", "a", map("_id", "a", "k", 1), List.of("n"), true));
    assertEquals(norm(map("_id", "a", "k", 1)), stored("t8", "a"));
  }

  @Test
  void v4ApiScalarReplacedByAMapLeavesNothingToReappear() {
    CollectionWriter v4 = writer(ApiVersion.V4);
    for (Map<String, Object> doc :
        List.of(
            map("_id", "a", "n", 5, "k", 1),
            map("_id", "a", "n", map("p", 1), "k", 1),
            map("_id", "a", "k", 1))) {
      v4.apply("t9", BatchCollapser.collapse(List.of(up("t9", "a", doc, List.of(), true))));
    }
    assertEquals(norm(map("_id", "a", "k", 1)), stored("t9", "a"));
  }

  // Without replace the sink reads the stored document only when the change carries unset paths;
  // then it also clears maps the new document turns into something else.
  @Test
  void mergeUpsertWithUnsetPathsAlsoClearsAMapTurnedScalar() {
    apply("t5", up("t5", "a", map("_id", "a", "n", map("p", 1), "x", 1, "y", 1), List.of(), true));
    apply("t5", up("t5", "a", map("_id", "a", "n", 5, "x", 1), List.of("y"), false));
    apply("t5", up("t5", "a", map("_id", "a", "n", map("r", 1), "x", 1), List.of(), false));
    assertEquals(norm(map("_id", "a", "n", map("r", 1), "x", 1)), stored("t5", "a"));
  }

  @Test
  void v4ApiMapReplacedByAScalarLeavesNoKeysToReappear() {
    CollectionWriter v4 = writer(ApiVersion.V4);
    v4.apply(
        "t6",
        BatchCollapser.collapse(
            List.of(up("t6", "a", map("_id", "a", "n", map("p", 1)), List.of(), true))));
    v4.apply(
        "t6",
        BatchCollapser.collapse(List.of(up("t6", "a", map("_id", "a", "n", 5), List.of(), true))));
    v4.apply(
        "t6",
        BatchCollapser.collapse(
            List.of(up("t6", "a", map("_id", "a", "n", map("r", 1)), List.of(), true))));
    assertEquals(norm(map("_id", "a", "n", map("r", 1))), stored("t6", "a"));
  }

  @Test
  void shortIdListsStillReachEveryDocument() {
    SinkMetrics local = new SinkMetrics(null);
    CollectionWriter chunked =
        writer(ApiVersion.V5, WriterSettings.defaults().withIdsPerStatement(2), local);
    List<DittoChange> first = new java.util.ArrayList<>();
    List<DittoChange> second = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      first.add(up("t7", "d" + i, map("_id", "d" + i, "gone", 1, "v", 1), List.of(), false));
      second.add(
          i < 3
              ? up("t7", "d" + i, map("_id", "d" + i, "v", 2), List.of(), true)
              : DittoChange.delete("t7", "d" + i, 0, null));
    }
    chunked.apply("t7", BatchCollapser.collapse(first));
    long before = local.totals().statements();
    chunked.apply("t7", BatchCollapser.collapse(second));
    assertEquals(
        Docs.byId(
            List.of(map("_id", "d0", "v", 2), map("_id", "d1", "v", 2), map("_id", "d2", "v", 2))),
        Docs.byId(reader.select("t7")));
    // 3 replaces of existing documents: 1 INSERT ... DO NOTHING (creates none) + 2 SELECTs + 2
    // UNSETs
    // + 1 upsert; 2 deletes: 1 DELETE
    assertEquals(7, local.totals().statements() - before);
  }

  private static DittoChange delta(
      String c, Object id, Map<String, Object> doc, List<String> changed, List<String> unset) {
    return DittoChange.delta(c, id, doc, changed, unset, 0, null);
  }

  @Test
  void aDeltaWritesOnlyItsChangedPathsAndKeepsWhatOthersWrote() {
    // Ditto holds a device's edit of "note" and of n.q that MongoDB's update did not touch
    seedRaw("d1", map("_id", "a", "x", 1, "n", map("p", 1, "q", "device"), "note", "device"));
    Map<String, Object> mongo = map("_id", "a", "x", 2, "n", map("p", 5, "q", 2), "gone", 1);
    apply("d1", delta("d1", "a", mongo, List.of("x", "n.p"), List.of("gone")));
    assertEquals(
        norm(map("_id", "a", "x", 2, "n", map("p", 5, "q", "device"), "note", "device")),
        stored("d1", "a"));
  }

  @Test
  void aDeltaForADocumentDittoLacksCreatesItWhole() {
    Map<String, Object> mongo = map("_id", "b", "x", 2, "n", map("p", 5, "q", 2));
    apply("d2", delta("d2", "b", mongo, List.of("x"), List.of()).withOrigin("src"));
    Map<String, Object> expected = new LinkedHashMap<>(mongo);
    expected.put(DittoMetadata.FIELD, DittoMetadata.of("src"));
    assertEquals(norm(expected), withoutWriteToken(stored("d2", "b")));
  }

  /**
   * The stored document with its metadata's write token and the id it names (the document's own)
   * checked and left out.
   */
  @SuppressWarnings("unchecked")
  private static Object withoutWriteToken(Object stored) {
    Map<String, Object> doc = new LinkedHashMap<>((Map<String, Object>) stored);
    Map<String, Object> meta =
        new LinkedHashMap<>((Map<String, Object>) doc.get(DittoMetadata.FIELD));
    assertTrue(meta.remove(DittoMetadata.WRITE) instanceof String, "a write token: " + stored);
    assertEquals(
        io.mongoditto.change.CanonicalIds.text(doc.get("_id")),
        meta.remove(DittoMetadata.ID),
        "the document's own id: " + stored);
    doc.put(DittoMetadata.FIELD, meta);
    return doc;
  }

  @Test
  void everyBatchOfTheSinkWritesANewToken() {
    apply("d8", up("d8", "k", map("_id", "k", "v", 1), List.of(), false).withOrigin("src"));
    Object first = meta(stored("d8", "k")).get(DittoMetadata.WRITE);
    apply("d8", up("d8", "k", map("_id", "k", "v", 2), List.of(), false).withOrigin("src"));
    Object second = meta(stored("d8", "k")).get(DittoMetadata.WRITE);
    assertTrue(first instanceof String && second instanceof String && !first.equals(second));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> meta(Object stored) {
    return (Map<String, Object>) ((Map<String, Object>) stored).get(DittoMetadata.FIELD);
  }

  @Test
  void aDeltaSettingAWholeSubObjectDropsTheKeysItNoLongerHas() {
    seedRaw("d3", map("_id", "c", "n", map("p", 1, "x", 5), "m", map("k", 1)));
    Map<String, Object> mongo = map("_id", "c", "n", map("p", 2), "m", map("k", 1));
    apply("d3", delta("d3", "c", mongo, List.of("n"), List.of()));
    assertEquals(norm(mongo), stored("d3", "c"));
  }

  @Test
  void aV4DeltaWritesWholeTopLevelRegistersAndLeavesTheOthers() {
    seedRaw("d4", map("_id", "e", "n", map("p", 1, "q", 2), "other", "device"));
    Map<String, Object> mongo = map("_id", "e", "n", map("p", 5, "q", 2));
    writer(ApiVersion.V4)
        .apply(
            "d4",
            BatchCollapser.collapse(List.of(delta("d4", "e", mongo, List.of("n.p"), List.of()))));
    assertEquals(
        norm(map("_id", "e", "n", map("p", 5, "q", 2), "other", "device")), stored("d4", "e"));
  }

  @Test
  void aTouchWritesNothingAndAFullUpsertInTheSameBatchWins() {
    assertTrue(
        BatchCollapser.collapse(List.of(DittoChange.touch("d5", "t", 0, null))).isEmpty(),
        "a touch alone is no statement");
    Map<String, Object> full = map("_id", "t", "x", 1, "y", 1);
    Map<String, Object> later = map("_id", "t", "x", 2, "y", 1);
    apply(
        "d5",
        DittoChange.touch("d5", "t", 0, null),
        up("d5", "t", full, List.of(), false),
        delta("d5", "t", later, List.of("x"), List.of()));
    assertEquals(norm(later), stored("d5", "t"));
  }

  @Test
  void theSourceIsNamedInTheDocumentAndNoReplaceRemovesIt() {
    apply("d6", up("d6", "m", map("_id", "m", "v", 1), List.of(), true).withOrigin("src"));
    assertEquals(
        norm(map("_id", "m", "v", 1, DittoMetadata.FIELD, map("source", "src"))),
        withoutWriteToken(stored("d6", "m")));
    // a record without an origin (a collection that does not sweep) leaves the metadata alone
    apply("d6", up("d6", "m", map("_id", "m", "v", 2), List.of(), true));
    assertEquals(
        norm(map("_id", "m", "v", 2, DittoMetadata.FIELD, map("source", "src"))),
        withoutWriteToken(stored("d6", "m")));
    // in strict mode (v4) too
    writer(ApiVersion.V4)
        .apply(
            "d6",
            BatchCollapser.collapse(
                List.of(
                    up("d6", "m", map("_id", "m", "v", 3), List.of(), true).withOrigin("src2"))));
    assertEquals(
        norm(map("_id", "m", "v", 3, DittoMetadata.FIELD, map("source", "src2"))),
        withoutWriteToken(stored("d6", "m")));
  }

  @Test
  void aSweepDeletesChunkByChunkAndResumesAfterItsDeadline() {
    List<Map<String, Object>> docs = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      docs.add(map("_id", "s" + i, DittoMetadata.FIELD, map("source", "src")));
    }
    docs.add(map("_id", "app"));
    reader.execute("INSERT INTO d7 DOCUMENTS (:docs)", Map.of("docs", docs));
    OpenSweeps sweeps = new OpenSweeps();
    org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("t", 0);
    io.mongoditto.change.SweepMarker start =
        new io.mongoditto.change.SweepMarker(
            "d7", io.mongoditto.change.SweepMarker.Phase.START, "e", 0, 1, "src");
    sweeps.start(tp, "d7", start, 0);
    sweeps.touched(tp, "d7", "s0");
    OpenSweeps.Sweep sweep =
        sweeps.end(
            tp,
            "d7",
            new io.mongoditto.change.SweepMarker(
                "d7", io.mongoditto.change.SweepMarker.Phase.END, "e", 0, 1, "src"),
            0);
    DittoHttpClient client = client(ApiVersion.V5);
    CollectionWriter w =
        new CollectionWriter(
            client,
            new SinkMetrics(null),
            WriterSettings.defaults().withSweepDeletesPerStatement(2));
    long passed = client.deadlineAfter(Duration.ZERO);
    CollectionWriter.SweepStep first = w.sweep(sweep, passed);
    assertEquals(2, first.deleted(), "one chunk, then the deadline stops it");
    assertTrue(!first.done());
    int total = first.deleted();
    CollectionWriter.SweepStep step;
    do {
      step = w.sweep(sweep, passed);
      total += step.deleted();
    } while (!step.done());
    assertEquals(6, total);
    assertEquals(
        Docs.byId(
            List.of(
                map("_id", "s0", DittoMetadata.FIELD, map("source", "src")), map("_id", "app"))),
        Docs.byId(reader.select("d7")));
  }

  private static void seedRaw(String collection, Map<String, Object> doc) {
    reader.execute("INSERT INTO " + collection + " DOCUMENTS (:d)", Map.of("d", doc));
  }
}
