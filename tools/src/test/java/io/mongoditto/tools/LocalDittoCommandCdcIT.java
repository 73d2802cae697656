package io.mongoditto.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mongo-ditto local-ditto --cdc} as its own process: it prints where its CDC feed is, as the
 * runner's keys and a Connect worker's, and a consumer pointed there with exactly those values
 * receives the change a write through the printed endpoint and key made.
 */
class LocalDittoCommandCdcIT {

  @TempDir Path dir;

  @Test
  void printsTheCdcFeedsAddressAndTopicAndAConsumerThereSeesTheChanges() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                MongoDittoTools.class.getName(),
                "local-ditto",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("ditto").toString(),
                "--cdc",
                "--cdc-topic",
                "cdc-printed")
            .redirectError(Path.of("target", "local-ditto-cdc-it.log").toFile());
    Process process = pb.start();
    try {
      List<String> lines = new ArrayList<>();
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      // The banner ends with the Ctrl-C line; a process that dies ends the stream (null).
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
        if (line.startsWith("Press Ctrl-C")) {
          break;
        }
      }
      String out = String.join("\n", lines);
      assertTrue(out.contains("Press Ctrl-C"), () -> "no banner:\n" + out);
      String servers = value(out, "    ditto.cdc.bootstrap.servers=");
      assertEquals("cdc-printed", value(out, "    ditto.cdc.topic="), out);
      assertEquals(servers, value(out, "    bootstrap.servers="), out);
      assertEquals("cdc-printed", value(out, "    topics="), out);
      String endpoint = value(out, "Local Ditto running: ");
      String key = value(out, "API key: ");

      HttpResponse<String> write =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(endpoint + "/api/v5/store/execute"))
                      .header("Authorization", "Bearer " + key)
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"statement\": \"INSERT INTO orders DOCUMENTS (:d)\","
                                  + " \"args\": {\"d\": {\"_id\": \"o-printed\", \"n\": 1}}}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, write.statusCode(), write::body);

      assertTrue(
          consume(servers, "cdc-printed").stream().anyMatch(v -> v.contains("o-printed")),
          "the printed feed carries the write");
    } finally {
      process.destroy();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "local-ditto stops on SIGTERM");
    }
  }

  private static String value(String out, String prefix) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "(\\S+)").matcher(out);
    assertTrue(m.find(), () -> "no line starting with '" + prefix + "' in:\n" + out);
    return m.group(1);
  }

  /**
   * The topic's values from the start, until one names the document or 60 s passed, read as a
   * Connect worker's sink task reads: in a consumer group.
   */
  private static List<String> consume(String servers, String topic) {
    Properties p = new Properties();
    p.putAll(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            servers,
            ConsumerConfig.GROUP_ID_CONFIG,
            "local-ditto-cdc-it",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class.getName()));
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && values.stream().noneMatch(v -> v.contains("o-"))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }
}
