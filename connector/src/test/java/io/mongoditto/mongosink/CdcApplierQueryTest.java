package io.mongoditto.mongosink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/**
 * The read query of a batch: one {@code $in} where it can be, the filters' {@code $or} where not.
 */
class CdcApplierQueryTest {

  @Test
  void filtersOnOneFieldBecomeOneInOfAllTheirValues() {
    List<BsonDocument> filters =
        List.of(
            BsonDocument.parse("{order_id: {$in: [7, {$numberLong: '7'}, 7.0]}}"),
            BsonDocument.parse("{order_id: {$eq: 'x'}}"));
    assertEquals(
        BsonDocument.parse("{order_id: {$in: [7, {$numberLong: '7'}, 7.0, 'x']}}"),
        CdcApplier.anyOf(filters));
  }

  @Test
  void filtersOnSeveralFieldsStayAnOr() {
    List<BsonDocument> filters =
        List.of(
            BsonDocument.parse("{store: {$eq: 1}, sku: {$eq: 'a'}}"),
            BsonDocument.parse("{store: {$eq: 2}, sku: {$eq: 'b'}}"));
    assertEquals(
        new BsonDocument("$or", new org.bson.BsonArray(filters)), CdcApplier.anyOf(filters));
  }

  @Test
  void filtersOnDifferentFieldsOrOtherOperatorsStayAnOr() {
    List<BsonDocument> fields =
        List.of(BsonDocument.parse("{a: {$eq: 1}}"), BsonDocument.parse("{b: {$eq: 1}}"));
    assertEquals(new BsonDocument("$or", new org.bson.BsonArray(fields)), CdcApplier.anyOf(fields));
    List<BsonDocument> literal =
        List.of(BsonDocument.parse("{a: {$eq: 1}}"), BsonDocument.parse("{a: 2}"));
    assertEquals(
        new BsonDocument("$or", new org.bson.BsonArray(literal)), CdcApplier.anyOf(literal));
  }
}
