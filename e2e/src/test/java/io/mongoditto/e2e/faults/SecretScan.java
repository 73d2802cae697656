package io.mongoditto.e2e.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds secrets in log files, REST answers and exception messages. */
final class SecretScan {

  private SecretScan() {}

  /** One entry per place a secret was found: where and which secret (never the secret itself). */
  static List<String> scan(
      List<Path> logs,
      List<String> restBodies,
      List<String> messages,
      Map<String, String> secrets) {
    List<String> leaks = new ArrayList<>();
    for (Path log : logs) {
      forEachLine(
          log,
          (n, line) ->
              secrets.forEach(
                  (what, secret) -> {
                    if (line.contains(secret)) {
                      leaks.add(what + " in " + log.getFileName() + " line " + n);
                    }
                  }));
    }
    scanTexts("REST response", restBodies, secrets, leaks);
    scanTexts("exception message", messages, secrets, leaks);
    return leaks;
  }

  /** Lines of the logs containing {@code text}. */
  static long count(List<Path> logs, String text) {
    long[] n = {0};
    for (Path log : logs) {
      forEachLine(
          log,
          (i, line) -> {
            if (line.contains(text)) {
              n[0]++;
            }
          });
    }
    return n[0];
  }

  private static void scanTexts(
      String kind, List<String> texts, Map<String, String> secrets, List<String> leaks) {
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      for (Map.Entry<String, String> s : secrets.entrySet()) {
        if (t != null && t.contains(s.getValue())) {
          leaks.add(s.getKey() + " in " + kind + " #" + i);
        }
      }
    }
  }

  private interface LineVisitor {
    void visit(long lineNumber, String line);
  }

  private static void forEachLine(Path file, LineVisitor visitor) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try (BufferedReader r =
        new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
      long n = 0;
      for (String line; (line = r.readLine()) != null; ) {
        visitor.visit(++n, line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
