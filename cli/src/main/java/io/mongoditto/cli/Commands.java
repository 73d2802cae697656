package io.mongoditto.cli;

import io.mongoditto.cli.config.MongoOptions;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.config.CollectionConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Small helpers shared by the commands. */
final class Commands {

  private Commands() {}

  /** The MongoDB deployment, database and collections a command works on. */
  record MongoTarget(
      Settings settings, String uri, String database, List<CollectionConfig> collections) {

    /**
     * From the command's options and config file; a message saying how to fix them when incomplete.
     */
    static MongoTarget of(MongoOptions mongo, Map<String, String> env) {
      Settings settings = mongo.settings(env);
      return new MongoTarget(
          settings,
          mongo.mongodbUri(settings),
          mongo.databaseName(settings),
          requireCollections(settings));
    }
  }

  /**
   * Prints {@code lines} and keeps a local server up until Ctrl-C, then closes it (a shutdown hook:
   * picocli returns only once the JVM is told to exit).
   */
  static int serveUntilInterrupted(
      AutoCloseable server, String name, PrintWriter out, List<String> lines)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    System.err.println("stopping " + name + ": " + e);
                  }
                  stopped.countDown();
                },
                name + "-shutdown"));
    lines.forEach(out::println);
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return ExitCodes.OK;
  }

  /** The enabled collections of the config, or a message saying how to list them. */
  static List<CollectionConfig> requireCollections(Settings settings) {
    List<CollectionConfig> all = settings.collections();
    if (all.isEmpty()) {
      throw new UserException(
          "no collections configured: give --collections a,b,c or a --config with a `collections` list"
              + " (e.g. config/zava-retail-source.json)");
    }
    return all;
  }
}
