package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoNamespace;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoCollection;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Privilege problems cannot be produced on the local MongoDB (it has no users), so these feed the
 * probe with the server's refusals through a stand-in collection: the one place a fake is used.
 */
class SourceConnectionCheckTest {

  private static MongoCommandException refusal(int code, String name) {
    return new MongoCommandException(
        new BsonDocument("ok", new BsonInt32(0))
            .append("code", new BsonInt32(code))
            .append("codeName", new BsonString(name))
            .append("errmsg", new BsonString("not authorized")),
        new ServerAddress());
  }

  /** Any call chain returns a stand-in; find(...).first() and watch(...).cursor() throw as told. */
  @SuppressWarnings("unchecked")
  private static <T> T standIn(
      Class<T> type, MongoCommandException onFind, MongoCommandException onWatch, String path) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              String m = method.getName();
              if (m.equals("getNamespace")) {
                return new MongoNamespace("zava", "orders");
              }
              if (m.equals("first") && path.startsWith("find") && onFind != null) {
                throw onFind;
              }
              if (m.equals("first") || m.equals("tryNext") || m.equals("close")) {
                return null;
              }
              if (m.equals("cursor") && path.startsWith("watch") && onWatch != null) {
                throw onWatch;
              }
              if (m.equals("toString")) {
                return "stand-in";
              }
              Class<?> returned = method.getReturnType();
              if (returned.isInterface()) {
                return standIn(returned, onFind, onWatch, path.isEmpty() ? m : path);
              }
              throw new UnsupportedOperationException(m);
            });
  }

  private static Map<String, List<String>> probe(
      MongoCommandException onFind, MongoCommandException onWatch) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    MongoCollection<Document> coll = standIn(MongoCollection.class, onFind, onWatch, "");
    SourceConnectionCheck.probe(coll, "zava", errors);
    return errors;
  }

  @Test
  void missingFindPrivilegeIsReportedOnCollections() {
    Map<String, List<String>> errors = probe(refusal(13, "Unauthorized"), null);
    assertEquals(List.of("collections"), List.copyOf(errors.keySet()));
    assertTrue(
        errors.get("collections").get(0).contains("lacks the 'find' privilege on zava.orders"),
        errors.toString());
  }

  @Test
  void missingChangeStreamPrivilegeIsReportedOnCollections() {
    Map<String, List<String>> errors = probe(null, refusal(13, "Unauthorized"));
    assertTrue(
        errors
            .get("collections")
            .get(0)
            .contains("lacks the 'changeStream' privilege on zava.orders"),
        errors.toString());
  }

  @Test
  void aStandaloneServerIsToldToBeAReplicaSet() {
    Map<String, List<String>> errors = probe(null, refusal(40573, "Location40573"));
    assertTrue(errors.get("collections").get(0).contains("need a replica set"), errors.toString());
  }

  @Test
  void aReadableCollectionPasses() {
    assertEquals(Map.of(), probe(null, null));
  }
}
