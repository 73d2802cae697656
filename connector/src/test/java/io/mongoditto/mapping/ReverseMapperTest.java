package io.mongoditto.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** The Ditto -> MongoDB rule, change by change (docs/design.md, "Two directions"). */
class ReverseMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OID = "65a1b2c3d4e5f60718293a4b";

  private static Map<String, Object> ditto(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The document as JSON: Ditto compares numbers by value, whatever Java type holds them. */
  private static String json(Object doc) {
    try {
      return JSON.writeValueAsString(doc instanceof String text ? ditto(text) : doc);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ReverseMapper matchIds(SyncRules rules) {
    return new ReverseMapper(CollectionMapping.matchIds("inventory"), rules);
  }

  private static BsonDocument mongo(String json) {
    return BsonDocument.parse(json);
  }

  @Test
  void theSinksWritesAreTakenOutOfATargetUnlessADeviceSetThePathAgain() {
    Map<String, Object> s0 =
        ditto("{\"_id\": \"a\", \"at\": 2, \"k\": 1, \"n\": {\"p\": 1, \"q\": 1}}");
    Map<String, Object> s1 =
        ditto("{\"_id\": \"a\", \"at\": 2, \"k\": 4, \"n\": {\"p\": 1, \"q\": 1}}");
    Map<String, Object> s2 =
        ditto(
            "{\"_id\": \"a\", \"at\": 1, \"k\": 0, \"n\": {\"p\": 0, \"q\": 0, \"r\": 0},"
                + " \"_mongoditto\": {\"write\": \"t\"}}");
    Map<String, Object> s3 =
        ditto(
            "{\"_id\": \"a\", \"at\": 1, \"k\": 0, \"n\": {\"p\": 0, \"q\": 5, \"r\": 0},"
                + " \"_mongoditto\": {\"write\": \"t\"}}");
    List<ReverseMapper.Step> steps =
        List.of(
            new ReverseMapper.Step(s0, s1, false),
            new ReverseMapper.Step(s1, s2, true),
            new ReverseMapper.Step(s2, s3, false));
    BsonDocument mongo = mongo("{\"_id\": \"a\", \"at\": 3, \"k\": 1, \"n\": {\"p\": 7}}");

    assertEquals(
        json(
            "{\"_id\": \"a\", \"at\": 3, \"k\": 4, \"n\": {\"p\": 7, \"q\": 5},"
                + " \"_mongoditto\": {\"write\": \"t\"}}"),
        json(matchIds(SyncRules.NONE).withoutSinkWrites(s3, steps, mongo)),
        "a path the sink wrote goes back to the device's value before it (k), or else to"
            + " MongoDB's own (at, n.p; a key MongoDB lacks goes), never to an older state that"
            + " may be MongoDB's; the device's later n.q stays");
    assertEquals(s3, matchIds(SyncRules.NONE).withoutSinkWrites(s3, steps.subList(2, 3), mongo));
  }

  @Test
  void aDocumentTheSinkCreatedKeepsMongoDbsValuesWhereOnlyTheSinkWroteThem() {
    Map<String, Object> created =
        ditto("{\"_id\": \"a\", \"v\": 1, \"w\": 1, \"_mongoditto\": {\"write\": \"t1\"}}");
    Map<String, Object> replaced =
        ditto("{\"_id\": \"a\", \"v\": 2, \"w\": 2, \"_mongoditto\": {\"write\": \"t2\"}}");
    Map<String, Object> edited =
        ditto(
            "{\"_id\": \"a\", \"v\": 2, \"w\": 9, \"x\": 1,"
                + " \"_mongoditto\": {\"write\": \"t2\"}}");
    List<ReverseMapper.Step> steps =
        List.of(
            new ReverseMapper.Step(null, created, true),
            new ReverseMapper.Step(created, replaced, true),
            new ReverseMapper.Step(replaced, edited, false));

    assertEquals(
        json(
            "{\"_id\": \"a\", \"v\": 3, \"w\": 9, \"x\": 1,"
                + " \"_mongoditto\": {\"write\": \"t2\"}}"),
        json(
            matchIds(SyncRules.NONE)
                .withoutSinkWrites(edited, steps, mongo("{\"_id\": \"a\", \"v\": 3, \"w\": 2}"))),
        "MongoDB's v (its own newer edit) stays, not the sink's first one; the device's w and x"
            + " stay");
  }

  @Test
  void aFieldDittoChangedIsSetAloneAndUntouchedFieldsKeepTheirBsonTypes() {
    BsonDocument current =
        mongo(
            "{\"_id\": {\"$oid\": \""
                + OID
                + "\"}, \"qty\": 5, \"at\": {\"$date\": \"2026-01-02T03:04:05.000Z\"}, \"blob\":"
                + " {\"$binary\": {\"base64\": \"AAE=\", \"subType\": \"00\"}}}");
    ReversePlan plan =
        matchIds(SyncRules.NONE)
            .plan(
                ditto(
                    "{\"_id\": \"" + OID + "\", \"qty\": 5, \"at\": \"2026-01-02T03:04:05.000Z\"}"),
                ditto(
                    "{\"_id\": \"" + OID + "\", \"qty\": 7, \"at\": \"2026-01-02T03:04:05.000Z\"}"),
                current);

    assertEquals(ReversePlan.Action.UPDATE, plan.action());
    assertEquals(new BsonDocument("qty", new BsonInt32(7)), plan.set());
    assertEquals(List.of(), plan.unset());
    assertEquals(new BsonObjectId(new ObjectId(OID)), plan.mongoId());
  }

  @Test
  void theEchoOfAForwardWriteChangesNothing() {
    BsonDocument current = mongo("{\"_id\": 1, \"qty\": 7}");
    ReversePlan plan =
        matchIds(SyncRules.NONE)
            .plan(ditto("{\"_id\": 1, \"qty\": 5}"), ditto("{\"_id\": 1, \"qty\": 7}"), current);

    assertFalse(plan.writes(), plan::toString);
    assertEquals(List.of(), plan.conflicts());
  }

  @Test
  void aStaleEchoNeverRevertsANewerMongoValue() {
    // MongoDB set x=1 then x=3; Ditto's CDC echoes 0 -> 1 while MongoDB holds 3.
    BsonDocument current = mongo("{\"_id\": 1, \"x\": 3}");
    ReversePlan plan =
        matchIds(SyncRules.NONE)
            .plan(ditto("{\"_id\": 1, \"x\": 0}"), ditto("{\"_id\": 1, \"x\": 1}"), current);

    assertFalse(plan.writes(), plan::toString);
    assertEquals(List.of("x"), plan.conflicts());
  }

  @Test
  void theMirrorRaceAppliesDittosNewerValueInOrder() {
    // Ditto set y=1 then y=3; the first was applied, MongoDB holds 1.
    BsonDocument current = mongo("{\"_id\": 1, \"y\": 1}");
    ReversePlan plan =
        matchIds(SyncRules.NONE)
            .plan(ditto("{\"_id\": 1, \"y\": 1}"), ditto("{\"_id\": 1, \"y\": 3}"), current);

    assertEquals(new BsonDocument("y", new BsonInt32(3)), plan.set());
  }

  @Test
  void nestedChangesSetTheirOwnPathAndRemovedFieldsAreUnset() {
    BsonDocument current = mongo("{\"_id\": 1, \"n\": {\"p\": 1, \"q\": 2}, \"gone\": true}");
    ReversePlan plan =
        matchIds(SyncRules.NONE)
            .plan(
                ditto("{\"_id\": 1, \"n\": {\"p\": 1, \"q\": 2}, \"gone\": true}"),
                ditto("{\"_id\": 1, \"n\": {\"p\": 1, \"q\": 5}}"),
                current);

    assertEquals(new BsonDocument("n.q", new BsonInt32(5)), plan.set());
    assertEquals(List.of("gone"), plan.unset());
  }

  @Test
  void aRemovalDeletesTheDocumentOnlyWhenMongoDbHasNotChangedItSince() {
    BsonDocument current = mongo("{\"_id\": 1, \"qty\": 5}");
    ReverseMapper mapper = matchIds(SyncRules.NONE);

    assertEquals(
        ReversePlan.Action.DELETE,
        mapper.plan(ditto("{\"_id\": 1, \"qty\": 5}"), null, current).action());
    ReversePlan edited = mapper.plan(ditto("{\"_id\": 1, \"qty\": 4}"), null, current);
    assertFalse(edited.writes());
    assertEquals(List.of("(document)"), edited.conflicts());
    assertFalse(mapper.plan(ditto("{\"_id\": 1, \"qty\": 5}"), null, null).writes());
  }

  @Test
  void aRemovalOfADocumentThatStoppedMatchingIsTheForwardDirectionsOwn() {
    SyncRules rules = SyncRules.parse("{\"active\": true}", null, null, null);
    BsonDocument current = mongo("{\"_id\": 1, \"active\": false}");

    ReversePlan plan = matchIds(rules).plan(ditto("{\"_id\": 1, \"active\": true}"), null, current);

    assertFalse(plan.writes(), plan::toString);
  }

  @Test
  void aDocumentNewInDittoBecomesAMongoDocumentWithTheIdsTypeChosenByTheCollection() {
    ReversePlan auto =
        matchIds(SyncRules.NONE)
            .plan(null, ditto("{\"_id\": \"" + OID + "\", \"qty\": 3, \"n\": {\"a\": 1}}"), null);
    assertEquals(ReversePlan.Action.INSERT, auto.action());
    assertEquals(
        mongo("{\"_id\": {\"$oid\": \"" + OID + "\"}, \"qty\": 3, \"n\": {\"a\": 1}}"),
        auto.document());

    ReverseMapper strings =
        new ReverseMapper(
            CollectionMapping.matchIds("inventory").withMongoIdType(MongoIdType.STRING),
            SyncRules.NONE);
    assertEquals(
        new BsonString(OID),
        strings.plan(null, ditto("{\"_id\": \"" + OID + "\"}"), null).document().get("_id"));
  }

  @Test
  void singleAndMultipleFieldsPutTheIdBackIntoItsFieldsAndLeaveTheIdToMongoDb() {
    ReverseMapper single =
        new ReverseMapper(CollectionMapping.singleField("products", "sku"), SyncRules.NONE);
    BsonDocument doc =
        single
            .plan(null, ditto("{\"_id\": \"SKU-1\", \"sku\": \"SKU-1\", \"p\": 2}"), null)
            .document();
    assertEquals(mongo("{\"sku\": \"SKU-1\", \"p\": 2}"), doc);
    assertEquals(mongo("{\"sku\": {\"$eq\": \"SKU-1\"}}"), single.filterFor("SKU-1"));

    ReverseMapper multi =
        new ReverseMapper(
            CollectionMapping.multipleFields("inventory", List.of("store", "sku")), SyncRules.NONE);
    BsonDocument made =
        multi
            .plan(null, ditto("{\"_id\": {\"store\": 3, \"sku\": \"A\"}, \"qty\": 1}"), null)
            .document();
    assertEquals(new BsonInt32(3), made.get("store"));
    assertEquals(new BsonString("A"), made.get("sku"));
  }

  @Test
  void idFieldsNeverChangeFromDitto() {
    ReverseMapper single =
        new ReverseMapper(CollectionMapping.singleField("products", "sku"), SyncRules.NONE);
    BsonDocument current = mongo("{\"_id\": 1, \"sku\": \"SKU-1\", \"p\": 2}");
    ReversePlan plan =
        single.plan(
            ditto("{\"_id\": \"SKU-1\", \"sku\": \"SKU-1\", \"p\": 2}"),
            ditto("{\"_id\": \"SKU-1\", \"sku\": \"SKU-9\", \"p\": 3}"),
            current);

    assertEquals(new BsonDocument("p", new BsonInt32(3)), plan.set());
    assertEquals(List.of("sku"), plan.refused());
    // Ditto is given MongoDB's value back, or it would differ from MongoDB for good.
    assertEquals(1, plan.normalizations().size());
    ReversePlan.Normalization restore = plan.normalizations().get(0);
    assertEquals(List.of("sku"), restore.path());
    assertEquals("SKU-9", restore.seen());
    assertEquals("SKU-1", restore.canonical());
    assertEquals(false, restore.unset());
  }

  @Test
  void anIdFieldADeviceLeftOutOrRemovedIsFilledInDittoWhereItHoldsNothing() {
    ReverseMapper single =
        new ReverseMapper(CollectionMapping.singleField("orders", "order_id"), SyncRules.NONE);
    ReversePlan created = single.plan(null, ditto("{\"_id\": \"O-7\", \"qty\": 1}"), null);
    assertEquals(new BsonString("O-7"), created.document().get("order_id"));
    assertEquals(
        List.of(ReversePlan.Normalization.fill(List.of("order_id"), "O-7")),
        created.normalizations());

    BsonDocument current = mongo("{\"_id\": 1, \"order_id\": \"O-7\", \"qty\": 1}");
    ReversePlan removed =
        single.plan(
            ditto("{\"_id\": \"O-7\", \"order_id\": \"O-7\", \"qty\": 1}"),
            ditto("{\"_id\": \"O-7\", \"qty\": 2}"),
            current);
    assertEquals(new BsonDocument("qty", new BsonInt32(2)), removed.set());
    assertEquals(List.of(), removed.unset());
    assertEquals(
        List.of(ReversePlan.Normalization.fill(List.of("order_id"), "O-7")),
        removed.normalizations());
  }

  @Test
  void aDocumentNewInDittoThatMongoDbHasKeepsMongoDbsDifferingValues() {
    BsonDocument current = mongo("{\"_id\": 1, \"a\": 1}");
    ReversePlan plan =
        matchIds(SyncRules.NONE).plan(null, ditto("{\"_id\": 1, \"a\": 2, \"b\": 3}"), current);

    assertEquals(new BsonDocument("b", new BsonInt32(3)), plan.set());
    assertEquals(List.of("a"), plan.conflicts());
  }

  @Test
  void transformationsRunBackwards() {
    SyncRules rules =
        SyncRules.parse(null, "internal", "address.zip:postal", "order_date:toISOString");
    BsonDocument current =
        mongo(
            "{\"_id\": 1, \"internal\": \"secret\", \"address\": {\"zip\": \"98101\"},"
                + " \"order_date\": {\"$date\": \"2026-01-02T03:04:05.000Z\"}}");
    ReversePlan plan =
        matchIds(rules)
            .plan(
                ditto(
                    "{\"_id\": 1, \"address\": {\"postal\": \"98101\"}, \"order_date\":"
                        + " \"2026-01-02T03:04:05.000Z\"}"),
                ditto(
                    "{\"_id\": 1, \"address\": {\"postal\": \"98102\"}, \"order_date\":"
                        + " \"2026-02-02T03:04:05.000Z\", \"internal\": \"device wrote this\"}"),
                current);

    assertEquals(
        mongo(
            "{\"address.zip\": \"98102\", \"order_date\": {\"$date\":"
                + " \"2026-02-02T03:04:05.000Z\"}}"),
        plan.set());
    assertEquals(List.of(), plan.unset());
    assertEquals(List.of("internal"), plan.refused());
    // An excluded field a device wrote is taken out of Ditto again (while it still holds it).
    ReversePlan.Normalization drop =
        plan.normalizations().stream()
            .filter(n -> n.path().equals(List.of("internal")))
            .findFirst()
            .orElseThrow();
    assertEquals(true, drop.unset());
    assertEquals("device wrote this", drop.seen());
  }

  @Test
  void aDateWrittenInAnotherFormStaysADateAndDittoIsToldTheCanonicalForm() {
    BsonDocument current = mongo("{\"_id\": 1, \"at\": {\"$date\": \"2026-01-02T03:04:05.000Z\"}}");
    ReversePlan plan =
        matchIds(SyncRules.NONE)
            .plan(
                ditto("{\"_id\": 1, \"at\": \"2026-01-02T03:04:05.000Z\"}"),
                ditto("{\"_id\": 1, \"at\": \"2026-03-02T03:04:05Z\"}"),
                current);

    assertEquals(new BsonDocument("at", new BsonDateTime(1772420645000L)), plan.set());
    assertEquals(1, plan.normalizations().size());
    assertEquals("2026-03-02T03:04:05.000Z", plan.normalizations().get(0).canonical());
  }

  @Test
  void valuesJsonModeCannotHoldStayInMongoDb() {
    BsonDocument current =
        mongo(
            "{\"_id\": 1, \"qty\": 1, \"blob\": {\"$binary\": {\"base64\": \"AAE=\", \"subType\":"
                + " \"00\"}}}");
    ReversePlan plan =
        matchIds(SyncRules.NONE)
            .plan(ditto("{\"_id\": 1, \"qty\": 1}"), ditto("{\"_id\": 1, \"qty\": 2}"), current);

    assertEquals(new BsonDocument("qty", new BsonInt32(2)), plan.set());
    assertTrue(plan.unset().isEmpty(), plan::toString);
  }

  @Test
  void ejsonValuesComeBackExactly() {
    ReverseMapper ejson =
        new ReverseMapper(
            CollectionMapping.matchIds("inventory").withMode(ValueMode.EJSON), SyncRules.NONE);
    BsonDocument current = mongo("{\"_id\": 1, \"qty\": {\"$numberLong\": \"5\"}}");
    ReversePlan plan =
        ejson.plan(
            ditto("{\"_id\": {\"$numberInt\": \"1\"}, \"qty\": {\"$numberLong\": \"5\"}}"),
            ditto(
                "{\"_id\": {\"$numberInt\": \"1\"}, \"qty\": {\"$numberLong\": \"9007199254740993\"}}"),
            current);

    assertEquals(new BsonDocument("qty", new BsonInt64(9007199254740993L)), plan.set());
  }

  @Test
  void ejsonIdsFindTheExactDocument() {
    ReverseMapper ejson =
        new ReverseMapper(
            CollectionMapping.matchIds("inventory").withMode(ValueMode.EJSON), SyncRules.NONE);
    java.util.UUID uuid = java.util.UUID.fromString("0e8b8c4e-5b5a-4f0e-9a54-3a1a8c3e2f10");
    Object dittoId =
        new BsonToEjson().value(new BsonBinary(uuid, org.bson.UuidRepresentation.STANDARD), "_id");

    assertEquals(
        new BsonDocument(
            "_id",
            new BsonDocument("$eq", new BsonBinary(uuid, org.bson.UuidRepresentation.STANDARD))),
        ejson.filterFor(dittoId));
  }

  @Test
  void jsonIdsLookUpEveryTypeThatMapsToTheSameDittoId() {
    ReverseMapper mapper = matchIds(SyncRules.NONE);
    assertEquals(
        List.of(new BsonObjectId(new ObjectId(OID)), new BsonString(OID)),
        mapper.idCandidates(OID));
    assertEquals(3, mapper.idCandidates(7L).size()); // Int32, Int64, Double
  }

  @Test
  void aChangedFieldWhoseNameHasADotReplacesTheDocument() {
    BsonDocument current = mongo("{\"_id\": 1, \"a.b\": 1, \"c\": 1}");
    ReversePlan plan =
        matchIds(SyncRules.NONE)
            .plan(
                ditto("{\"_id\": 1, \"a.b\": 1, \"c\": 1}"),
                ditto("{\"_id\": 1, \"a.b\": 2, \"c\": 1}"),
                current);

    assertEquals(ReversePlan.Action.REPLACE, plan.action());
    assertEquals(mongo("{\"_id\": 1, \"a.b\": 2, \"c\": 1}"), plan.document());
  }
}
