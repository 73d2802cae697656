package io.mongoditto.localditto;

import java.nio.file.Path;

/**
 * A local Ditto with its CDC feed in a JVM of its own, for tests that kill it with SIGKILL.
 * Arguments: data dir, bootstrap servers, topic, API key, segment bytes. Prints {@value
 * #READY}{@code <endpoint>} when up, then runs until killed or stdin closes.
 */
public final class CdcChildProcess {

  static final String READY = "CDC_CHILD_READY ";

  private CdcChildProcess() {}

  public static void main(String[] args) throws Exception {
    CdcOptions cdc =
        CdcOptions.toKafka(args[1]).withTopic(args[2]).withSegmentBytes(Long.parseLong(args[4]));
    try (LocalDitto ditto =
        LocalDitto.start(
            LocalDitto.Options.defaults()
                .withDataDir(Path.of(args[0]))
                .withApiKey(args[3])
                .withCdc(cdc))) {
      System.out.println(READY + ditto.endpoint());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the parent closes stdin (or kills this process)
      }
    }
  }
}
