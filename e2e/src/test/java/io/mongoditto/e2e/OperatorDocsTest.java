package io.mongoditto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the operator docs tell people to type agrees with what the product does (issue 15 item 6):
 * validate examples send a name, the sink has one name everywhere, the shipped configs hold no
 * literal secret (Connect would return it from GET /connectors/NAME/config), the docs say so, and
 * they say what resetting the sink's offsets does.
 */
class OperatorDocsTest {

  static final String SINK_NAME = "ditto-sink";

  private static List<Path> operatorTexts() throws IOException {
    Path root = ProjectFiles.root();
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    try (Stream<Path> scripts = Files.list(root.resolve("scripts"))) {
      scripts.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(files::add);
    }
    return files;
  }

  /**
   * Each shell command that POSTs or PUTs to .../config/validate, continuation lines (\ and |)
   * joined.
   */
  static List<String> validateCommands(String text) {
    List<String> lines = List.of(text.split("\n", -1));
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).contains("config/validate")) {
        continue;
      }
      int start = i;
      while (start > 0 && continues(lines.get(start - 1))) {
        start--;
      }
      int end = i;
      while (end < lines.size() - 1 && lines.get(end).stripTrailing().endsWith("\\")) {
        end++;
      }
      commands.add(String.join("\n", lines.subList(start, end + 1)));
    }
    return commands;
  }

  private static boolean continues(String line) {
    String l = line.stripTrailing();
    return l.endsWith("\\") || l.endsWith("|");
  }

  @Test
  void everyValidateExampleSendsAName() throws IOException {
    int examples = 0;
    for (Path file : operatorTexts()) {
      for (String command : validateCommands(Files.readString(file))) {
        if (!command.contains("curl")) {
          continue; // prose that names the endpoint
        }
        examples++;
        // Connect answers "Missing required configuration name" to a body without one
        assertTrue(
            command.contains("\"name\""),
            () -> file.getFileName() + ": a validate example without a name:\n" + command);
      }
    }
    assertTrue(examples >= 3, "found only " + examples + " validate examples");
  }

  @Test
  void aValidateCommandIsFoundWithItsContinuationLines() {
    List<String> found =
        validateCommands(
            "jq '. + {\"name\": \"x\"}' c.json | \\\n  curl -s -X PUT --data @- \\\n"
                + "  $C/connector-plugins/X/config/validate | jq .\nnext");
    assertEquals(1, found.size(), found::toString);
    assertTrue(found.get(0).startsWith("jq") && found.get(0).contains("\"name\""), found::toString);
    assertFalse(
        validateCommands("curl $C/x/config/validate --data @c.json").get(0).contains("\"name\""));
  }

  @Test
  void theSinkIsCalledDittoSinkEverywhere() throws IOException {
    for (Path file : operatorTexts()) {
      String text = Files.readString(file);
      assertFalse(
          text.contains("zava-retail-ditto"),
          () -> file.getFileName() + " names the sink zava-retail-ditto, not " + SINK_NAME);
    }
    Path root = ProjectFiles.root();
    for (String file :
        List.of(
            "README.md", "docs/deployment.md", "docs/sink-connector.md", "scripts/quickstart.sh")) {
      assertTrue(
          Files.readString(root.resolve(file)).contains("connectors/" + SINK_NAME + "/"),
          () -> file + " does not create or address the sink as " + SINK_NAME);
    }
  }

  @Test
  void noShippedConfigHoldsALiteralSecret() throws IOException {
    ObjectMapper json = new ObjectMapper();
    int checked = 0;
    try (Stream<Path> configs = Files.list(ProjectFiles.config())) {
      for (Path file :
          (Iterable<Path>) configs.filter(p -> p.toString().endsWith(".json"))::iterator) {
        JsonNode root = json.readTree(file.toFile());
        JsonNode config = root.has("config") ? root.get("config") : root;
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String value = e.getValue().asText();
          boolean secret =
              e.getKey().endsWith("api.key")
                  || e.getKey().endsWith("password")
                  || (e.getKey().equals("mongodb.uri") && value.contains("@"));
          if (secret) {
            checked++;
            assertTrue(
                value.startsWith("${env:") || value.startsWith("${file:"),
                () -> file.getFileName() + ": " + e.getKey() + " is a literal, not a placeholder");
          }
        }
      }
    }
    assertTrue(checked >= 2, "no secret keys found in config/");
  }

  @Test
  void theDocsSayLiteralSecretsComeBackFromTheRestApi() throws IOException {
    Path root = ProjectFiles.root();
    for (String file : List.of("README.md", "docs/deployment.md")) {
      String text = Files.readString(root.resolve(file)).replaceAll("\\s+", " ");
      assertTrue(
          text.contains("literal") && text.contains("GET /connectors/"),
          () -> file + " does not say that a literal secret comes back from GET .../config");
      assertFalse(
          text.contains("never logged or echoed"),
          () -> file + " still promises secrets are never echoed");
    }
  }

  @Test
  void resettingTheSinksOffsetsIsExplained() throws IOException {
    Path root = ProjectFiles.root();
    String deployment = Files.readString(root.resolve("docs/deployment.md"));
    int section = deployment.indexOf("### Resetting the sink's offsets");
    assertTrue(section >= 0, "docs/deployment.md has no section on resetting the sink's offsets");
    String body = deployment.substring(section);
    assertTrue(
        body.contains("DELETE $W/connectors/" + SINK_NAME + "/offsets")
            && body.contains("What a replay does"),
        "the section shows how and says what a replay does");
    assertTrue(
        Files.readString(root.resolve("docs/sink-connector.md"))
            .contains("deployment.md#resetting-the-sinks-offsets"),
        "docs/sink-connector.md points at it");
  }

  @Test
  void theQuickstartDoesNotCallOurVersionKafkasVersion() throws IOException {
    String script = Files.readString(ProjectFiles.root().resolve("scripts/quickstart.sh"));
    // $VERSION is this project's version (0.1.0-SNAPSHOT), not Kafka's
    assertFalse(script.contains("Kafka $VERSION"), "quickstart.sh: \"Kafka $VERSION\"");
    assertFalse(script.contains("Kafka ${VERSION}"), "quickstart.sh: \"Kafka ${VERSION}\"");
  }
}
