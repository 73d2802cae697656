package io.mongoditto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.mongoditto.sink.DittoSinkConnector;
import io.mongoditto.source.MongoSourceConnector;
import org.junit.jupiter.api.Test;

class PluginVersionTest {

  @Test
  void bothConnectorsReportThePomVersion() {
    String pom = System.getProperty("project.version");
    assertNotNull(pom, "surefire passes project.version");
    assertEquals(pom, PluginVersion.get());
    assertEquals(pom, new MongoSourceConnector().version());
    assertEquals(pom, new DittoSinkConnector().version());
  }
}
