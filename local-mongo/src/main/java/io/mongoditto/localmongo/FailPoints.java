package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test fail points a mongod started with {@code enableTestCommands} offers, so tests (and
 * MongoDB's spec tests) can make commands fail or drop the connection and watch drivers and
 * connectors resume: {@code configureFailPoint} with {@code failCommand} (data: failCommands,
 * errorCode, errorLabels, closeConnection) and {@code failGetMoreAfterCursorCheckout} (data:
 * errorCode, closeConnection), modes {@code {times: n}}, {@code alwaysOn} and {@code off}.
 *
 * <p>As on a real server, an error raised inside a change stream's getMore carries the {@code
 * ResumableChangeStreamError} label when its code is resumable; an error injected by {@code
 * failCommand} carries only the labels its data names.
 */
final class FailPoints {

  static final String FAIL_COMMAND = "failCommand";
  static final String FAIL_GET_MORE = "failGetMoreAfterCursorCheckout";

  /** Codes a real server labels ResumableChangeStreamError when they end a getMore. */
  private static final Set<Integer> RESUMABLE_CODES =
      Set.of(
          6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 13388, 234, 133,
          43);

  /** What to do to a command a fail point caught. */
  record Failure(boolean closeConnection, Document reply) {}

  private record Point(
      String name,
      Set<String> commands,
      int remaining,
      boolean closeConnection,
      Integer errorCode,
      List<Object> errorLabels) {}

  private final Map<String, Point> points = new ConcurrentHashMap<>();

  Document configure(Document command) {
    String name = String.valueOf(command.get("configureFailPoint"));
    if (!name.equals(FAIL_COMMAND) && !name.equals(FAIL_GET_MORE)) {
      throw ChangeStreamErrors.badValue("local-mongo does not implement fail point " + name);
    }
    Object mode = command.get("mode");
    int times;
    if ("off".equals(mode)) {
      points.remove(name);
      return new Document("count", 0).append("ok", 1.0);
    } else if ("alwaysOn".equals(mode)) {
      times = -1;
    } else if (mode instanceof Document m && m.get("times") instanceof Number n) {
      times = n.intValue();
    } else {
      throw ChangeStreamErrors.badValue("unsupported fail point mode " + mode);
    }
    Document data = command.get("data") instanceof Document d ? d : new Document();
    Set<String> commands = new HashSet<>();
    if (data.get("failCommands") instanceof List<?> list) {
      list.forEach(c -> commands.add(String.valueOf(c)));
    }
    if (name.equals(FAIL_GET_MORE)) {
      commands.add("getMore");
    }
    List<Object> labels = data.get("errorLabels") instanceof List<?> l ? new ArrayList<>(l) : null;
    Integer code = data.get("errorCode") instanceof Number n ? n.intValue() : null;
    if (code == null && !Boolean.TRUE.equals(data.get("closeConnection"))) {
      throw ChangeStreamErrors.badValue("fail point data needs errorCode or closeConnection");
    }
    points.put(
        name,
        new Point(
            name, commands, times, Boolean.TRUE.equals(data.get("closeConnection")), code, labels));
    return new Document("count", 0).append("ok", 1.0);
  }

  /** The failure for this command if an active fail point catches it (and counts it). */
  synchronized Optional<Failure> trigger(String command) {
    for (Point p : points.values()) {
      if (!p.commands().contains(command)) {
        continue;
      }
      if (p.remaining() == 1) {
        points.remove(p.name());
      } else if (p.remaining() > 1) {
        points.put(
            p.name(),
            new Point(
                p.name(),
                p.commands(),
                p.remaining() - 1,
                p.closeConnection(),
                p.errorCode(),
                p.errorLabels()));
      }
      return Optional.of(new Failure(p.closeConnection(), reply(p)));
    }
    return Optional.empty();
  }

  private static Document reply(Point p) {
    int code = p.errorCode() == null ? 9001 : p.errorCode();
    Document reply =
        new Document("ok", 0.0)
            .append("errmsg", "Failing command via '" + p.name() + "' failpoint")
            .append("code", code);
    List<Object> labels = p.errorLabels();
    if (labels == null && p.name().equals(FAIL_GET_MORE) && RESUMABLE_CODES.contains(code)) {
      labels = List.of("ResumableChangeStreamError");
    }
    if (labels != null && !labels.isEmpty()) {
      reply.append("errorLabels", labels);
    }
    return reply;
  }
}
