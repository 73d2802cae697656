package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CliBasicsTest {

  @Test
  void helpListsEveryCommandAndExitsZero() {
    CliRun r = CliRun.run("--help");
    assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
    for (String command :
        new String[] {
          "run", "verify", "check", "enable-change-streams", "create-indexes", "encode-password"
        }) {
      assertTrue(listed(r, command), () -> command + " missing from help:\n" + r);
    }
  }

  @Test
  void theProductionRunnerHasNoToolCommands() {
    CliRun r = CliRun.run("--help");
    for (String tool : new String[] {"demo", "seed", "local-mongo", "local-ditto"}) {
      assertFalse(listed(r, tool), () -> tool + " is a tools command, not the runner's:\n" + r);
    }
  }

  @Test
  void everyCommandTakesHelp() {
    for (String command :
        new String[] {
          "run", "verify", "check", "enable-change-streams", "create-indexes", "encode-password"
        }) {
      CliRun r = CliRun.run(command, "--help");
      assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
      assertTrue(r.out().contains("Usage: mongo-ditto " + command + " "), r::toString);
      CliRun h = CliRun.run(command, "-h");
      assertEquals(r.out(), h.out(), h::toString);
    }
  }

  private static boolean listed(CliRun r, String command) {
    return r.out().matches("(?s).*\\n\\s+" + command + "\\s.*");
  }

  @Test
  void versionIsThePluginVersion() {
    CliRun r = CliRun.run("--version");
    assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
    assertEquals("mongo-ditto " + System.getProperty("project.version"), r.out().trim());
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun r = CliRun.run("frobnicate");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
    assertTrue(r.err().contains("frobnicate"), r::toString);
  }

  @Test
  void missingConnectionStringSaysHowToGiveIt() {
    CliRun r = CliRun.run("check", "--collections", "customers", "-d", "zava");
    assertEquals(ExitCodes.FAILED, r.exitCode(), r::toString);
    assertTrue(
        r.err().contains("--mongodb-uri") && r.err().contains("MONGODB_CONNECTION_STRING"),
        r::toString);
    assertFalse(r.err().contains("Exception"), r::toString);
  }

  @Test
  void passwordIsNeverPrinted() {
    CliRun r =
        CliRun.run(
            Map.of(
                "MONGODB_CONNECTION_STRING",
                "mongodb://app:s3cretPa55@127.0.0.1:1/?serverSelectionTimeoutMS=300",
                "MONGODB_DATABASE",
                "zava"),
            "",
            "check",
            "--collections",
            "customers");
    assertEquals(ExitCodes.FAILED, r.exitCode(), r::toString);
    assertFalse(r.out().contains("s3cretPa55") || r.err().contains("s3cretPa55"), r::toString);
    assertTrue(r.out().contains("app:***@127.0.0.1:1"), r::toString);
    assertTrue(r.out().contains("ERROR") && r.out().contains("fix:"), r::toString);
  }

  @Test
  void encodePasswordPercentEncodesReservedCharactersFromStdin() {
    CliRun r = CliRun.run(Map.of(), "p@ss:w/rd %+é~\n", "encode-password");
    assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
    assertEquals("p%40ss%3Aw%2Frd%20%25%2B%C3%A9~", r.out().trim());
  }

  @Test
  void encodePasswordRejectsEmptyInput() {
    CliRun r = CliRun.run(Map.of(), "", "encode-password");
    assertEquals(ExitCodes.FAILED, r.exitCode(), r::toString);
    assertTrue(r.err().contains("no password"), r::toString);
  }
}
