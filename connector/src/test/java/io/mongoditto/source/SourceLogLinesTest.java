package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.config.MongoConnectionConfig;
import io.mongoditto.metrics.EffectiveConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

/** What the source's start and summary log lines say. */
class SourceLogLinesTest {

  @Test
  void theStartLineMasksTheUriPasswordsAndShowsTheEffectiveConfig() {
    Map<String, String> props = new HashMap<>();
    props.put("name", "zava");
    props.put(
        MongoConnectionConfig.MONGODB_URI,
        "mongodb://reader:Pa55word@db1:27017,db2:27017/?replicaSet=rs0");
    props.put(MongoConnectionConfig.MONGODB_DATABASE, "zava");
    props.put(MongoSourceConfigDef.COLLECTIONS, "orders");
    props.put(MongoConnectionConfig.TLS_TRUSTSTORE_PASSWORD, "trustme");
    props.put("collection.orders.id.mode", "single_field");
    String line = EffectiveConfig.format(MongoSourceConfigDef.CONFIG_DEF, props);
    assertFalse(line.contains("Pa55word"), line);
    assertFalse(line.contains("reader"), line);
    assertFalse(line.contains("trustme"), line);
    assertTrue(line.contains(MongoConnectionConfig.MONGODB_URI + "=[hidden]"), line);
    assertTrue(line.contains(MongoSourceConfigDef.LOG_SUMMARY_INTERVAL_MS + "=60000"), line);
    // per-collection keys are outside the ConfigDef: named, their values never logged
    assertTrue(line.contains("collection.orders.id.mode"), line);
    assertFalse(line.contains("single_field"), line);
  }

  @Test
  void theSummaryLineHasCountsLagAndSnapshotProgress() {
    AtomicLong now = new AtomicLong(1_000_000);
    AtomicLong nanos = new AtomicLong();
    SourceTaskStats stats = new SourceTaskStats(null, now::get, nanos::get);
    CollectionMetrics m = stats.collection("orders");
    m.snapshotStarted(1000, 0);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
    m.snapshotCopied(
        List.of(
            new BsonDocument("_id", new BsonString("a")),
            new BsonDocument("_id", new BsonString("b"))));
    m.snapshot.add(248); // as if 250 documents were copied in 2 s
    assertEquals(
        "Source summary orders: snapshotting, events 0 (insert 0, update 0, replace 0, delete 0), records 0,"
            + " bytes read "
            + m.bytesRead.count()
            + ", bad documents 0, id changes 0, omitted values 0, lag unknown,"
            + " snapshot 250/1000 (25.0%), 125 docs/s, ETA 6 s",
        SourceSummaryLog.line("orders", m));

    m.snapshotDone();
    m.streaming();
    m.event(
        "update",
        new BsonDocument("operationType", new BsonString("update"))
            .append("clusterTime", new BsonTimestamp(990, 1))
            .append("wallTime", new BsonDateTime(990_500)));
    assertEquals(
        "Source summary orders: streaming, events 1 (insert 0, update 1, replace 0, delete 0), records 0,"
            + " bytes read "
            + m.bytesRead.count()
            + ", bad documents 0, id changes 0, omitted values 0, lag 9500 ms,"
            + " snapshot complete 250/1000 (100.0%), 125 docs/s",
        SourceSummaryLog.line("orders", m));
    assertEquals(990_000, m.lastClusterTimeMillis());
    assertTrue(m.bytesRead.count() > 0);
  }

  @Test
  void summariesComeAtTheIntervalAndNeverWhenOff() {
    AtomicLong now = new AtomicLong(0);
    SourceTaskStats stats = new SourceTaskStats();
    stats.collection("orders");
    SourceSummaryLog off = new SourceSummaryLog(0, stats, now::get);
    SourceSummaryLog log = new SourceSummaryLog(60_000, stats, now::get);
    now.set(59_999);
    assertFalse(log.maybeLog(), "not before the interval");
    now.set(60_000);
    assertTrue(log.maybeLog());
    assertFalse(log.maybeLog(), "once per interval");
    now.set(120_000);
    assertTrue(log.maybeLog());
    now.set(10_000_000);
    assertFalse(off.maybeLog(), "0 turns the summaries off");
  }
}
