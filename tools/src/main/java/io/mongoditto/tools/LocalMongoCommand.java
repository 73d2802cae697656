package io.mongoditto.tools;

import io.mongoditto.cli.UserException;
import io.mongoditto.localmongo.LocalMongo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "local-mongo",
    header = "Run the local in-memory MongoDB until Ctrl-C.",
    description = {
      "Start the local MongoDB (in memory, with change streams) and keep it running until Ctrl-C.",
      "For trying the connector without a MongoDB installation; the data is gone when it stops."
    })
final class LocalMongoCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default ${DEFAULT-VALUE}).")
  private String host;

  @Option(
      names = "--port",
      defaultValue = "27017",
      description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  private int port;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    LocalMongo mongo;
    try {
      mongo = LocalMongo.start(host, port);
    } catch (RuntimeException e) {
      throw new UserException(
          "cannot start the local MongoDB on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return LocalServers.serveUntilInterrupted(
        mongo, "local-mongo", out, List.of("Local MongoDB running: " + mongo.connectionString()));
  }
}
