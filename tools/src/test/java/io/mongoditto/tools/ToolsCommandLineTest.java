package io.mongoditto.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.cli.ExitCodes;
import org.junit.jupiter.api.Test;

/** The root script's command line: every production command plus the tools. */
class ToolsCommandLineTest {

  @Test
  void helpListsTheRunnersCommandsAndTheTools() {
    CliRun r = CliRun.run("--help");
    assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
    for (String command :
        new String[] {
          "run",
          "verify",
          "check",
          "enable-change-streams",
          "create-indexes",
          "encode-password",
          "demo",
          "seed",
          "local-mongo",
          "local-ditto"
        }) {
      assertTrue(
          r.out().matches("(?s).*\\n\\s+" + command + "\\s.*"),
          () -> command + " missing from help:\n" + r);
    }
  }

  @Test
  void everyToolTakesHelp() {
    for (String command : new String[] {"demo", "seed", "local-mongo", "local-ditto"}) {
      CliRun r = CliRun.run(command, "--help");
      assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
      assertTrue(r.out().contains("Usage: mongo-ditto " + command + " "), r::toString);
    }
  }

  @Test
  void versionIsThePluginVersion() {
    CliRun r = CliRun.run("--version");
    assertEquals(ExitCodes.OK, r.exitCode(), r::toString);
    assertEquals("mongo-ditto " + System.getProperty("project.version"), r.out().trim());
  }

  @Test
  void aToolRejectsABadOptionAsUsage() {
    CliRun r = CliRun.run("seed", "--frobnicate");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
    assertTrue(r.err().contains("--frobnicate"), r::toString);
  }
}
