package io.mongoditto.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.cli.ExitCodes;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalDittoCommandTest {

  @Test
  void cdcLinesGiveTheRunnersKeysAndAConnectWorkersKeys() {
    List<String> lines = LocalDittoCommand.cdcLines("localhost:39092", "ditto-cdc");
    assertTrue(lines.contains("    ditto.cdc.bootstrap.servers=localhost:39092"), lines::toString);
    assertTrue(lines.contains("    ditto.cdc.topic=ditto-cdc"), lines::toString);
    assertTrue(lines.contains("    bootstrap.servers=localhost:39092"), lines::toString);
    assertTrue(lines.contains("    topics=ditto-cdc"), lines::toString);
  }

  @Test
  void helpOffersTheCdcFeed() {
    CliRun r = CliRun.run("local-ditto", "--help");
    assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
    for (String option :
        new String[] {"--cdc", "--cdc-bootstrap-servers", "--cdc-topic", "--cdc-filter"}) {
      assertTrue(r.out().contains(option), () -> option + " missing:\n" + r);
    }
  }

  @Test
  void aBadCdcOptionFailsBeforeAnythingStarts() {
    CliRun r = CliRun.run("local-ditto", "--port", "0", "--cdc", "--cdc-partitions", "0");
    assertEquals(ExitCodes.FAILED, r.exitCode(), r::toString);
    assertTrue(r.err().contains("partitions"), r::toString);
  }

  @Test
  void theKeyComesFromTheFlagTheFileOrTheEnvironmentInThatOrder() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("key", ".txt");
    try {
      java.nio.file.Files.writeString(file, "from-file\nignored\n");
      assertEquals(
          "from-file",
          parse(
                  java.util.Map.of("LOCAL_DITTO_API_KEY", "from-env"),
                  "--api-key-file",
                  file.toString())
              .apiKey()
              .value());
      assertEquals(
          "from-env", parse(java.util.Map.of("LOCAL_DITTO_API_KEY", "from-env")).apiKey().value());
      assertEquals(
          "from-flag",
          parse(java.util.Map.of("LOCAL_DITTO_API_KEY", "from-env"), "--api-key", "from-flag")
              .apiKey()
              .value());
      assertEquals(null, parse(java.util.Map.of()).apiKey().value());
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  @Test
  void anEmptyKeyFileIsRefusedBeforeAnythingStarts() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("key", ".txt");
    try {
      CliRun r = CliRun.run("local-ditto", "--port", "0", "--api-key-file", file.toString());
      assertEquals(ExitCodes.FAILED, r.exitCode(), r::toString);
      assertTrue(r.err().contains("is empty"), r::toString);
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  /** The command as picocli fills it from these arguments and environment, not run. */
  private static LocalDittoCommand parse(java.util.Map<String, String> env, String... args) {
    io.mongoditto.cli.MongoDittoCli cli =
        new io.mongoditto.cli.MongoDittoCli(env, java.io.InputStream.nullInputStream(), null);
    picocli.CommandLine cmd = MongoDittoTools.commandLine(cli);
    String[] all = new String[args.length + 1];
    all[0] = "local-ditto";
    System.arraycopy(args, 0, all, 1, args.length);
    picocli.CommandLine.ParseResult parsed = cmd.parseArgs(all);
    return (LocalDittoCommand) parsed.subcommand().commandSpec().userObject();
  }
}
