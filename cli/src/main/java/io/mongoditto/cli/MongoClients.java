package io.mongoditto.cli;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import java.util.concurrent.TimeUnit;

/** MongoDB clients for the CLI: fail fast (10 s) instead of the driver's 30 s default. */
public final class MongoClients {

  private MongoClients() {}

  public static MongoClient connect(String uri) {
    ConnectionString cs;
    try {
      cs = new ConnectionString(uri);
    } catch (IllegalArgumentException e) {
      // The driver's message may quote the URI; never echo it (it can hold a password).
      throw new UserException(
          "the MongoDB connection string is not valid (it must start with mongodb:// or mongodb+srv://)");
    }
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(cs)
            .applicationName("mongo-ditto-cli")
            .applyToClusterSettings(
                b -> {
                  if (cs.getServerSelectionTimeout() == null) {
                    b.serverSelectionTimeout(10, TimeUnit.SECONDS);
                  }
                })
            .build();
    return com.mongodb.client.MongoClients.create(settings);
  }
}
