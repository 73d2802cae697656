package io.mongoditto.mongosink;

import io.mongoditto.ditto.DittoException;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.DqlNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes values back into Ditto in the form MongoDB keeps them (a device wrote {@code
 * "2026-03-02T03:04:05Z"} into a Date field: Ditto should hold {@code "2026-03-02T03:04:05.000Z"}),
 * only while Ditto still holds what the CDC event showed, so a newer device edit is never
 * overwritten. Without this the two sides would differ in that field for good; with it the
 * write-back comes back on CDC and finds MongoDB already holding its value.
 */
final class DittoWriteBack {

  private static final Logger LOG = LoggerFactory.getLogger(DittoWriteBack.class);

  private final DittoHttpClient client;

  DittoWriteBack(DittoHttpClient client) {
    this.client = client;
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
      Map<String, Object> args = new HashMap<>();
      args.put("id", n.dittoId());
      args.put("canonical", n.value().canonical());
      String change = n.value().unset() ? " UNSET " + path : " SET " + path + " = :canonical";
      if (n.value().unset()) {
        args.remove("canonical");
      }
      // "= :seen" with a null never matches an absent field; IS MISSING does (seen on 5.1.0)
      String condition = n.value().seenAbsent() ? path + " IS MISSING" : path + " = :seen";
      if (!n.value().seenAbsent()) {
        args.put("seen", n.value().seen());
      }
      String statement =
          "UPDATE "
              + DqlNames.quote(n.dittoCollection())
              + change
              + " WHERE _id = :id AND "
              + condition;
      try {
        client.execute(statement, args);
        done++;
      } catch (DittoException.RetriesExhausted unavailable) {
        throw unavailable;
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
}
