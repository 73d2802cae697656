package io.mongoditto.localmongo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A collection larger than the driver's 48 MB message limit can be read whole with the driver's
 * defaults and with a batch size larger than fits: batches stay within MongoDB's limits (101
 * documents first, 16 MiB each after). Without them the first reply is the whole collection.
 */
class QueryBatchesIT {

  private static final int DOCUMENTS = 2_600;
  private static LocalMongo mongo;
  private static MongoClient client;
  private static MongoCollection<Document> big;

  @BeforeAll
  static void seed() {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
    big = client.getDatabase("batches").getCollection("big");
    String padding = "x".repeat(20_000);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < DOCUMENTS; i++) {
      docs.add(new Document("_id", i).append("padding", padding));
      if (docs.size() == 500) {
        big.insertMany(docs);
        docs.clear();
      }
    }
    big.insertMany(docs);
  }

  @AfterAll
  static void stop() {
    client.close();
    mongo.close();
  }

  @Test
  void aFindWithDefaultsReadsMoreThanOneMessageCanHold() {
    long n = 0;
    for (Document ignored : big.find()) {
      n++;
    }
    assertEquals(DOCUMENTS, n);
  }

  @Test
  void aBatchSizeAboveSixteenMebibytesIsServedInSeveralBatches() {
    long n = 0;
    for (Document ignored : big.find().batchSize(100_000)) {
      n++;
    }
    assertEquals(DOCUMENTS, n);
  }

  @Test
  void anAggregationReadsTheWholeCollectionToo() {
    long n = 0;
    for (Document ignored : big.aggregate(List.of(new Document("$match", new Document())))) {
      n++;
    }
    assertEquals(DOCUMENTS, n);
  }
}
