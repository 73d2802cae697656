package io.mongoditto.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongoditto.cli.ExitCodes;
import io.mongoditto.localmongo.LocalMongo;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedCommandIT {

  @Test
  void seedsThenRefusesToMixUnlessDropped() {
    try (LocalMongo mongo = LocalMongo.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      Map<String, String> env =
          Map.of("MONGODB_CONNECTION_STRING", mongo.connectionString(), "MONGODB_DATABASE", "zava");
      CliRun first = CliRun.run(env, "", "seed", "--scale", "0.001", "--seed", "5");
      assertEquals(ExitCodes.OK, first.exitCode(), first::toString);
      assertTrue(first.out().contains("Inserted"), first::toString);
      assertEquals(50, client.getDatabase("zava").getCollection("customers").countDocuments());

      CliRun again = CliRun.run(env, "", "seed", "--scale", "0.001");
      assertEquals(ExitCodes.FAILED, again.exitCode(), again::toString);
      assertTrue(again.err().contains("--drop"), again::toString);

      CliRun dropped = CliRun.run(env, "", "seed", "--scale", "0.002", "--drop");
      assertEquals(ExitCodes.OK, dropped.exitCode(), dropped::toString);
      assertEquals(100, client.getDatabase("zava").getCollection("customers").countDocuments());

      CliRun badScale = CliRun.run(env, "", "seed", "--scale", "3");
      assertEquals(ExitCodes.FAILED, badScale.exitCode(), badScale::toString);
      assertTrue(badScale.err().contains("--scale"), badScale::toString);
    }
  }
}
