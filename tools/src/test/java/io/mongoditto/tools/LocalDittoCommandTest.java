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
}
