package io.mongoditto.mongo;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The MongoDB sessions the Ditto -> MongoDB direction writes in, recorded in the collection {@value
 * #COLLECTION} of the synced database (as Ditto's own connector records its sessions). MongoDB
 * names the session ({@code lsid}) on the change events of transactional writes, so the source
 * tells the direction's writes (echoes of Ditto's state, which must not go back to Ditto) from
 * everyone else's. A session is recorded before its first transaction, so an id the collection does
 * not hold when its event is read is never one of ours.
 */
public final class ConnectorSessions {

  public static final String COLLECTION = "mongoditto_sessions";
  private static final int NEGATIVE_CACHE = 10_000;

  private final MongoCollection<BsonDocument> registry;
  private final Set<BsonValue> own = ConcurrentHashMap.newKeySet();
  private final Set<BsonValue> notOwn =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<BsonValue, Boolean> eldest) {
                  return size() > NEGATIVE_CACHE;
                }
              }));

  public ConnectorSessions(MongoDatabase database) {
    this.registry = database.getCollection(COLLECTION, BsonDocument.class);
  }

  /**
   * Records {@code session}'s server session id (again, if the driver gave it a new one after a
   * network error: it discards a session that failed). Call before each transaction; cheap when the
   * id is known.
   */
  public void register(ClientSession session, String connector, String task) {
    BsonValue id = session.getServerSession().getIdentifier().get("id");
    if (own.contains(id)) {
      return;
    }
    BsonDocument entry =
        new BsonDocument("_id", id)
            .append("connector", new BsonString(connector))
            .append("task", new BsonString(task))
            .append("since", new BsonDateTime(Instant.now().toEpochMilli()));
    // Outside any transaction: it must be visible before the first event of the session is.
    registry.replaceOne(new BsonDocument("_id", id), entry, new ReplaceOptions().upsert(true));
    own.add(id);
  }

  /** A session of this direction, recorded before use: for tests and the embedded runner. */
  public ClientSession start(MongoClient client, String connector, String task) {
    ClientSession session = client.startSession();
    register(session, connector, task);
    return session;
  }

  /**
   * Whether a change event's {@code lsid} names a session of the Ditto -> MongoDB direction.
   *
   * @param lsid the event's {@code lsid} field, or null (a write outside any transaction)
   */
  public boolean isOwn(BsonDocument lsid) {
    if (lsid == null || !lsid.containsKey("id")) {
      return false;
    }
    BsonValue id = lsid.get("id");
    if (own.contains(id)) {
      return true;
    }
    if (notOwn.contains(id)) {
      return false;
    }
    boolean recorded = registry.find(new BsonDocument("_id", id)).first() != null;
    (recorded ? own : notOwn).add(id);
    return recorded;
  }
}
