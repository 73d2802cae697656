package io.mongoditto.source;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongoditto.localmongo.LocalMongo;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local MongoDB and a client of it for a whole test class: {@code @RegisterExtension static
 * final LocalMongoExtension MONGO = new LocalMongoExtension();}.
 */
final class LocalMongoExtension implements BeforeAllCallback, AfterAllCallback {

  private LocalMongo mongo;
  private MongoClient client;

  @Override
  public void beforeAll(ExtensionContext context) {
    mongo = LocalMongo.start();
    client = MongoClients.create(mongo.connectionString());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    client.close();
    mongo.close();
  }

  String connectionString() {
    return mongo.connectionString();
  }

  MongoClient client() {
    return client;
  }
}
