package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers {@code hello} / {@code isMaster} as the primary of a one-member MongoDB 7.0 replica set,
 * so drivers see a replica-set primary (REPLICA_SET_PRIMARY / RSPrimary) and allow change streams,
 * sessions and retryable writes. {@code topologyVersion} is left out on purpose: with it, drivers
 * switch to the streaming (awaitable hello, exhaust) protocol mongo-java-server does not speak.
 */
final class ReplicaSetHello {

  /** MongoDB 7.0: wire version 21. */
  static final MongoVersion MONGO_7_0 =
      new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
          return List.of(7, 0, 0);
        }

        @Override
        public int getWireVersion() {
          return 21;
        }
      };

  private static final ObjectId ELECTION_ID = new ObjectId("7fffffff0000000000000001");

  private final String setName;
  private final ChangeEventLog log;
  private final AtomicInteger connectionIds = new AtomicInteger();

  ReplicaSetHello(String setName, ChangeEventLog log) {
    this.setName = setName;
    this.log = log;
  }

  Document reply(Channel channel, String command, Document query) {
    String me = hostAndPort(channel);
    Document reply = new Document();
    if (command.equals("hello")) {
      reply.append("isWritablePrimary", true);
    } else {
      reply.append("ismaster", true);
    }
    if (Boolean.TRUE.equals(query.get("helloOk"))) {
      reply.append("helloOk", true);
    }
    BsonTimestamp now = log.currentTime();
    Instant wall = Instant.now();
    Document opTime = new Document("ts", now).append("t", 1L);
    reply
        .append("hosts", List.of(me))
        .append("setName", setName)
        .append("setVersion", 1)
        .append("secondary", false)
        .append("primary", me)
        .append("me", me)
        .append("electionId", ELECTION_ID)
        .append(
            "lastWrite",
            new Document("opTime", opTime)
                .append("lastWriteDate", wall)
                .append("majorityOpTime", opTime)
                .append("majorityWriteDate", wall))
        .append("maxBsonObjectSize", 16 * 1024 * 1024)
        .append("maxMessageSizeBytes", 48_000_000)
        .append("maxWriteBatchSize", 100_000)
        .append("localTime", wall)
        .append("logicalSessionTimeoutMinutes", 30)
        .append("connectionId", connectionIds.incrementAndGet())
        .append("minWireVersion", 0)
        .append("maxWireVersion", MONGO_7_0.getWireVersion())
        .append("readOnly", false)
        .append("ok", 1.0);
    return reply;
  }

  private static String hostAndPort(Channel channel) {
    if (channel != null && channel.localAddress() instanceof InetSocketAddress local) {
      String host = local.getAddress().getHostAddress();
      if (host.contains(":")) {
        host = "[" + host + "]";
      }
      return host + ":" + local.getPort();
    }
    return "127.0.0.1:27017";
  }
}
