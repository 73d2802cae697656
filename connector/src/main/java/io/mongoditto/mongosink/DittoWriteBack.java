package io.mongoditto.mongosink;

import io.mongoditto.change.CanonicalIds;
import io.mongoditto.change.DittoMetadata;
import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DqlNames;
import io.mongoditto.mapping.ReversePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes values back into Ditto in the form MongoDB keeps them (a device wrote {@code
 * "2026-03-02T03:04:05Z"} into a Date field: Ditto should hold {@code "2026-03-02T03:04:05.000Z"}),
 * only while Ditto still holds what the CDC event showed, so a newer device edit is never
 * overwritten. Without this the two sides would differ in that field for good; with it the
 * write-back comes back on CDC and finds MongoDB already holding its value.
 */
final class DittoWriteBack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DittoWriteBack.class);

  /**
   * Documents written back at once. One request per value: after a re-copy most of a batch's events
   * can need one, and one at a time the MongoDB sink fell behind (the long two-way run).
   */
  static final int CONCURRENCY = 4;

  private static final String BACK_FIELD =
      DqlNames.path(List.of(DittoMetadata.FIELD, DittoMetadata.BACK));

  private final DittoHttpClient client;
  private final boolean marked;
  private final ExecutorService pool;

  /**
   * @param marked whether each statement sets a new {@link DittoMetadata#BACK} mark; strict mode
   *     (v4) refuses a SET below the metadata register, so there the value's change event keeps the
   *     metadata it had
   */
  DittoWriteBack(DittoHttpClient client, boolean marked) {
    this.client = client;
    this.marked = marked;
    this.pool =
        Executors.newFixedThreadPool(
            CONCURRENCY,
            r -> {
              Thread t = new Thread(r, "mongo-sink-write-back");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * What {@link #writeAll} did.
   *
   * @param written values written
   * @param owed values not written because Ditto stayed unavailable, in their order
   * @param unavailable why, or null when every value was written
   */
  record Outcome(int written, List<CdcApplier.Normalize> owed, DittoException unavailable) {}

  /**
   * Writes {@code values}: each document's in their order, documents {@value #CONCURRENCY} at a
   * time.
   */
  Outcome writeAll(List<CdcApplier.Normalize> values) {
    Map<List<Object>, List<CdcApplier.Normalize>> byDocument = new LinkedHashMap<>();
    for (CdcApplier.Normalize n : values) {
      byDocument
          .computeIfAbsent(
              List.of(n.dittoCollection(), CanonicalIds.text(n.dittoId())), k -> new ArrayList<>())
          .add(n);
    }
    if (byDocument.size() <= 1) {
      return inOrder(values);
    }
    List<Future<Outcome>> running = new ArrayList<>();
    for (List<CdcApplier.Normalize> document : byDocument.values()) {
      running.add(pool.submit(() -> inOrder(document)));
    }
    int written = 0;
    List<CdcApplier.Normalize> owed = new ArrayList<>();
    RuntimeException failed = null;
    DittoException unavailable = null;
    for (Future<Outcome> f : running) {
      try {
        Outcome o = f.get();
        written += o.written();
        owed.addAll(o.owed());
        unavailable = unavailable == null ? o.unavailable() : unavailable;
      } catch (InterruptedException stop) {
        Thread.currentThread().interrupt();
        running.forEach(r -> r.cancel(true));
        return new Outcome(
            written,
            values,
            new DittoException.RetriesExhausted(
                "interrupted while writing values back to Ditto", 0, 0, stop));
      } catch (ExecutionException e) {
        failed = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
    }
    if (failed != null) {
      throw failed;
    }
    return new Outcome(written, owed, unavailable);
  }

  private Outcome inOrder(List<CdcApplier.Normalize> values) {
    int done = 0;
    for (int i = 0; i < values.size(); i++) {
      try {
        done += write(List.of(values.get(i)));
      } catch (DittoException.RetriesExhausted unavailable) {
        return new Outcome(done, List.copyOf(values.subList(i, values.size())), unavailable);
      }
    }
    return new Outcome(done, List.of(), null);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /**
   * @return how many values were written
   * @throws DittoException.RetriesExhausted when Ditto stays unavailable (the caller hands the
   *     batch back; MongoDB's writes are idempotent, so applying it again is harmless)
   */
  int write(List<CdcApplier.Normalize> values) {
    int done = 0;
    for (CdcApplier.Normalize n : values) {
      String path = DqlNames.path(n.value().path());
      String target = "UPDATE " + DqlNames.quote(n.dittoCollection()) + " ";
      Map<String, Object> args = new HashMap<>();
      args.put("id", n.dittoId());
      // "= :seen" with a null never matches an absent field; IS MISSING does (seen on 5.1.0)
      String condition = " WHERE _id = :id AND " + path + " IS MISSING";
      if (!n.value().seenAbsent()) {
        condition = " WHERE _id = :id AND " + holds(path, n.value().seen());
        args.put("seen", n.value().seen());
      }
      condition += whileWrittenBy(n.value(), args);
      List<Statement> statements = new ArrayList<>();
      if (n.value().wholeDocument()) {
        String token = DqlNames.path(List.of(DittoMetadata.FIELD, DittoMetadata.WRITE));
        statements.add(
            new Statement(
                "DELETE FROM "
                    + DqlNames.quote(n.dittoCollection())
                    + " WHERE _id = :id AND "
                    + token
                    + " = :seen",
                args));
      } else if (n.value().unset()) {
        statements.add(unset(target, path, condition, args));
      } else {
        if (!n.value().seenAbsent() && replacesAMap(n.value())) {
          // A SET merges a map into the map it meets ({"$binary"} and {"$oid"} become one value
          // no type reads) and hides a scalar under a map or a map under a scalar (FieldPaths):
          // the old value goes first, and the new one is set only where nothing came in between.
          statements.add(unset(target, path, condition, args));
          condition = " WHERE _id = :id AND " + path + " IS MISSING";
          args = new HashMap<>(Map.of("id", n.dittoId()));
          condition += whileWrittenBy(n.value(), args);
        }
        args.put("canonical", n.value().canonical());
        statements.add(set(target, path, condition, args));
      }
      try {
        for (Statement statement : statements) {
          client.execute(statement.text(), statement.args());
        }
        done++;
      } catch (DittoException.RetriesExhausted | DittoException.AuthFailure stop) {
        throw stop;
      } catch (DittoException refused) {
        // The value stays as the device wrote it; MongoDB holds its canonical form.
        LOG.warn(
            "Ditto collection {}, _id {}, field {}: could not write the canonical value back"
                + " ({}); MongoDB holds it, Ditto keeps the device's form",
            n.dittoCollection(),
            n.dittoId(),
            String.join(".", n.value().path()),
            refused.getMessage());
      }
    }
    return done;
  }

  /**
   * The condition that {@code path} holds {@code seen} (the parameter {@code :seen}). DQL's {@code
   * =} is never true where it compares a null, at any depth ({@code [1, null] = [1, null]} is
   * unknown, seen on the engine), so such a value would never be given back: a null is tested with
   * {@code IS NULL}, and a list or map holding one is compared as the engine's JSON text of both
   * sides ({@code CAST(... AS STRING)}, keys in one order).
   */
  private static String holds(String path, Object seen) {
    if (seen == null) {
      return path + " IS NULL"; // false where the field is missing (seen on the engine)
    }
    return holdsNull(seen)
        ? "CAST(" + path + " AS STRING) = CAST(:seen AS STRING)"
        : path + " = :seen";
  }

  private static boolean holdsNull(Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().anyMatch(v -> v == null || holdsNull(v));
    }
    if (value instanceof List<?> list) {
      return list.stream().anyMatch(v -> v == null || holdsNull(v));
    }
    return false;
  }

  /** The condition on the sink's write token, where the value has one. */
  private static String whileWrittenBy(ReversePlan.Normalization value, Map<String, Object> args) {
    if (value.writtenBy() == null) {
      return "";
    }
    args.put("token", value.writtenBy());
    return " AND " + DqlNames.path(List.of(DittoMetadata.FIELD, DittoMetadata.WRITE)) + " = :token";
  }

  private record Statement(String text, Map<String, Object> args) {}

  /** UNSET {@code path}, setting a new give-back mark where {@link #marked}. */
  private Statement unset(String target, String path, String condition, Map<String, Object> args) {
    return marked
        ? new Statement(
            target + "SET " + BACK_FIELD + " = :back UNSET " + path + condition, withMark(args))
        : new Statement(target + "UNSET " + path + condition, args);
  }

  /** SET {@code path} to {@code :canonical}, with a new give-back mark where {@link #marked}. */
  private Statement set(String target, String path, String condition, Map<String, Object> args) {
    return marked
        ? new Statement(
            target + "SET " + path + " = :canonical, " + BACK_FIELD + " = :back" + condition,
            withMark(args))
        : new Statement(target + "SET " + path + " = :canonical" + condition, args);
  }

  private static Map<String, Object> withMark(Map<String, Object> args) {
    Map<String, Object> out = new HashMap<>(args);
    out.put("back", UUID.randomUUID().toString());
    return out;
  }

  private static boolean replacesAMap(ReversePlan.Normalization value) {
    return value.seen() instanceof Map<?, ?> || value.canonical() instanceof Map<?, ?>;
  }
}
