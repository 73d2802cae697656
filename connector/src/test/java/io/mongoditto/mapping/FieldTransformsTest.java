package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.change.DittoChange;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class FieldTransformsTest {

  private static String parseError(String exclude, String rename, String convert) {
    return assertThrows(
            IllegalArgumentException.class, () -> FieldTransforms.parse(exclude, rename, convert))
        .getMessage();
  }

  @Test
  void invalidConfigurationSaysWhatIsWrong() {
    assertTrue(parseError(null, "a", null).contains("path:newName"));
    assertTrue(parseError(null, null, "a:toDate").contains("unknown conversion 'toDate'"));
    assertTrue(parseError("_id", null, null).contains("_id cannot be transformed"));
    assertTrue(parseError("a.", null, null).contains("empty path segment"));
    assertTrue(parseError("a", "a.b:c", null).contains("both excluded"));
    assertTrue(parseError(null, "a:b.c", null).contains("plain field name"));
    assertTrue(parseError(null, "a:_id", null).contains("reserved"));
    assertTrue(parseError(null, "a:b,b:c", null).contains("chains"));
    assertTrue(parseError(null, "a:b,a:c", null).contains("twice"));
  }

  @Test
  void blankConfigurationIsNoTransformation() {
    FieldTransforms t = FieldTransforms.parse(" ", null, "");
    assertTrue(t.isEmpty());
    BsonDocument doc = BsonDocument.parse("{\"a\": 1}");
    assertSame(doc, t.apply(doc));
  }

  @Test
  void excludeRemovesNestedPathsAndInsideArraysWithoutTouchingTheSource() {
    FieldTransforms t = FieldTransforms.parse("internal, audit.by, items.cost", null, null);
    BsonDocument doc =
        BsonDocument.parse(
            "{\"_id\": 1, \"internal\": 1, \"audit\": {\"by\": \"x\", \"at\": 2}, \"items\": [{\"sku\": \"A\", \"cost\": 3}, 5]}");
    BsonDocument out = t.apply(doc);
    assertEquals(
        BsonDocument.parse(
            "{\"_id\": 1, \"audit\": {\"at\": 2}, \"items\": [{\"sku\": \"A\"}, 5]}"),
        out);
    assertTrue(doc.containsKey("internal"), "the event document is not modified");
  }

  @Test
  void conversions() {
    FieldTransforms t =
        FieldTransforms.parse(
            null,
            null,
            "created:toISOString, epoch:toISOString, text_date:toISOString, code:toString, oid:toString,"
                + " price:toNumber, qty:toNumber, flag:toNumber, nested:toString, missing:toNumber, nul:toString, items.n:toNumber");
    BsonDocument doc =
        BsonDocument.parse(
            "{\"created\": {\"$date\": \"2024-01-02T03:04:05.678Z\"},"
                + " \"epoch\": {\"$numberLong\": \"1704164645678\"}, \"text_date\": \"2024-01-02T03:04:05Z\","
                + " \"code\": 42, \"oid\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}, \"price\": {\"$numberDecimal\": \"19.90\"},"
                + " \"qty\": \" 12 \", \"flag\": true, \"nested\": {\"a\": [1]}, \"nul\": null, \"items\": [{\"n\": \"1.5\"}, {\"n\": \"2\"}]}");
    BsonDocument out = t.apply(doc);
    assertEquals("2024-01-02T03:04:05.678Z", out.getString("created").getValue());
    assertEquals("2024-01-02T03:04:05.678Z", out.getString("epoch").getValue());
    assertEquals("2024-01-02T03:04:05.000Z", out.getString("text_date").getValue());
    assertEquals("42", out.getString("code").getValue());
    assertEquals("65a1b2c3d4e5f60718293a4b", out.getString("oid").getValue());
    assertEquals(19.9, out.getDouble("price").getValue());
    assertEquals(12L, out.getInt64("qty").getValue());
    assertEquals(1L, out.getInt64("flag").getValue());
    assertEquals("{\"a\": [1]}", out.getString("nested").getValue());
    assertTrue(out.isNull("nul"));
    assertEquals(
        BsonDocument.parse("{\"x\": [{\"n\": 1.5}, {\"n\": {\"$numberLong\": \"2\"}}]}").get("x"),
        out.get("items"));
  }

  @Test
  void conversionThatCannotApplyNamesTheField() {
    FieldTransforms t = FieldTransforms.parse(null, null, "total:toNumber");
    MappingException e =
        assertThrows(
            MappingException.class, () -> t.apply(BsonDocument.parse("{\"total\": \"n/a\"}")));
    assertEquals("total", e.field());
    assertTrue(e.reason().contains("not a number"));
    FieldTransforms iso = FieldTransforms.parse(null, null, "d:toISOString");
    assertEquals(
        "d",
        assertThrows(MappingException.class, () -> iso.apply(BsonDocument.parse("{\"d\": true}")))
            .field());
  }

  @Test
  void renameKeepsThePositionAndWorksNestedAndInArrays() {
    FieldTransforms t =
        FieldTransforms.parse(
            null, "cust_id:customer_ref, address.zip:postal, lines.qty:quantity", null);
    BsonDocument out =
        t.apply(
            BsonDocument.parse(
                "{\"_id\": 1, \"cust_id\": 5, \"address\": {\"zip\": \"98101\", \"city\": \"S\"}, \"lines\": [{\"qty\": 1}, {\"qty\": 2}]}"));
    assertEquals(List.of("_id", "customer_ref", "address", "lines"), List.copyOf(out.keySet()));
    assertEquals(
        BsonDocument.parse("{\"postal\": \"98101\", \"city\": \"S\"}"), out.getDocument("address"));
    assertEquals(List.of("postal", "city"), List.copyOf(out.getDocument("address").keySet()));
    assertEquals(2, out.getArray("lines").get(1).asDocument().getInt32("quantity").getValue());
  }

  @Test
  void renameOntoAnExistingFieldIsAnError() {
    FieldTransforms t = FieldTransforms.parse(null, "a:b", null);
    MappingException e =
        assertThrows(
            MappingException.class, () -> t.apply(BsonDocument.parse("{\"a\": 1, \"b\": 2}")));
    assertEquals("a", e.field());
  }

  @Test
  void removedPathsFollowRenamesAndExcludes() {
    FieldTransforms t = FieldTransforms.parse("secret", "address:addr, addr2.zip:postal", null);
    assertNull(t.transformPath("secret"));
    assertNull(t.transformPath("secret.x"));
    assertEquals("addr.zip", t.transformPath("address.zip"));
    assertEquals("addr", t.transformPath("address"));
    assertEquals("addr2.postal", t.transformPath("addr2.zip"));
    assertEquals("secretive", t.transformPath("secretive"));
  }

  @Test
  void mapperAppliesTransformsToSnapshotAndStreamAlike() {
    FieldTransforms t = FieldTransforms.parse("internal", "cust:customer", "placed:toISOString");
    ChangeEventMapper mapper =
        new ChangeEventMapper(
            CollectionMapping.singleField("orders", "order_id"),
            new ConversionStats(),
            DocumentFilter.ALL,
            t);
    String doc =
        "{\"_id\": 1, \"order_id\": \"O-1\", \"cust\": \"C-1\", \"internal\": {\"x\": 1},"
            + " \"placed\": {\"$numberLong\": \"1704164645678\"}}";
    Map<String, Object> expected =
        Map.of(
            "_id",
            "O-1",
            "order_id",
            "O-1",
            "customer",
            "C-1",
            "placed",
            "2024-01-02T03:04:05.678Z");
    assertEquals(
        expected, mapper.mapSnapshot(BsonDocument.parse(doc), 1).changes().get(0).document());
    BsonDocument insert =
        Events.event(
            "insert", "orders", "{\"documentKey\": {\"_id\": 1}, \"fullDocument\": " + doc + "}");
    assertEquals(expected, mapper.map(insert).changes().get(0).document());

    BsonDocument update =
        Events.event(
            "update",
            "orders",
            "{\"documentKey\": {\"_id\": 1},"
                + " \"updateDescription\": {\"updatedFields\": {\"internal\": {\"y\": 2}}, \"removedFields\": [\"cust\"], \"truncatedArrays\": []},"
                + " \"fullDocument\": {\"_id\": 1, \"order_id\": \"O-1\", \"internal\": {\"y\": 2}}}");
    DittoChange c = mapper.map(update).changes().get(0);
    assertEquals(
        List.of("customer"),
        c.unsetPaths(),
        "cust is removed under its Ditto name; internal never reaches Ditto");
    assertEquals(Map.of("_id", "O-1", "order_id", "O-1"), c.document());
  }

  @Test
  void idIsDerivedFromTheUntransformedDocument() {
    FieldTransforms t = FieldTransforms.parse(null, null, "order_no:toString");
    ChangeEventMapper mapper =
        new ChangeEventMapper(
            CollectionMapping.singleField("orders", "order_no"),
            new ConversionStats(),
            DocumentFilter.ALL,
            t);
    DittoChange c =
        mapper.mapSnapshot(BsonDocument.parse("{\"_id\": 1, \"order_no\": 7}"), 1).changes().get(0);
    assertEquals(7L, c.id());
    assertEquals("7", c.document().get("order_no"));
  }
}
