package io.mongoditto.localmongo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local MongoDB as its own process until it is stopped (Ctrl-C / SIGTERM).
 *
 * <pre>
 * java -cp ... io.mongoditto.localmongo.LocalMongoMain [--host 127.0.0.1] [--port 27017]
 *     [--history 1000000] [--replica-set rs0] [--transaction-lifetime 60]
 * </pre>
 */
public final class LocalMongoMain {

  private LocalMongoMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalMongo.Builder builder = LocalMongo.builder().port(27017);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--host" -> builder.host(value(args, ++i, arg));
        case "--port" -> builder.port(Integer.parseInt(value(args, ++i, arg)));
        case "--history" -> builder.historySize(Integer.parseInt(value(args, ++i, arg)));
        case "--replica-set" -> builder.replicaSetName(value(args, ++i, arg));
        case "--transaction-lifetime" ->
            builder.transactionLifetime(Duration.ofSeconds(Long.parseLong(value(args, ++i, arg))));
        case "-h", "--help" -> {
          System.out.println(
              "usage: local-mongo [--host 127.0.0.1] [--port 27017]"
                  + " [--history 1000000] [--replica-set rs0] [--transaction-lifetime 60]");
          return;
        }
        default -> {
          System.err.println("unknown option " + arg + " (try --help)");
          System.exit(2);
        }
      }
    }
    LocalMongo mongo = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  mongo.close();
                  stopped.countDown();
                },
                "local-mongo-shutdown"));
    System.out.println("local MongoDB ready: " + mongo.connectionString());
    stopped.await();
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      System.err.println(option + " needs a value");
      System.exit(2);
    }
    return args[i];
  }
}
