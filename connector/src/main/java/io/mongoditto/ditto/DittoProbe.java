package io.mongoditto.ditto;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checks, with one read and one harmless write per collection and no retries, that Ditto answers at
 * the endpoint, accepts the API key and lets it read and write the collections a connector will
 * use. The write is a {@code DELETE} of an {@code _id} that cannot exist, so nothing changes.
 */
public final class DittoProbe {

  /** What went wrong, which tells the key to fix. */
  public enum Problem {
    /** No answer (refused, timed out, DNS) or a server error: {@code ditto.endpoint}. */
    UNREACHABLE,
    /** 404: no Ditto app at that URL: {@code ditto.endpoint}. */
    NOT_FOUND,
    /** 401: the key is not one of the app's: {@code ditto.api.key}. */
    KEY_REFUSED,
    /** 403 on the read or the write: the key lacks a permission: {@code ditto.api.key}. */
    NOT_PERMITTED,
    /** 400: Ditto refused the statement, e.g. an impossible collection name. */
    REJECTED
  }

  /**
   * @param collection the collection probed, or null when the problem is not about one
   */
  public record Finding(Problem problem, String collection, String message) {}

  /** Longest wait for one probe request. */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private DittoProbe() {}

  /**
   * As {@link #probe(DittoHttpClient, Map)} with a client of {@code settings} that does not retry
   * and waits at most {@link #PROBE_TIMEOUT} per request: the answer is needed now.
   */
  public static List<Finding> probe(DittoHttpClient.Settings s, Map<String, Boolean> collections) {
    Duration timeout =
        s.requestTimeout().compareTo(PROBE_TIMEOUT) < 0 ? s.requestTimeout() : PROBE_TIMEOUT;
    DittoHttpClient.Settings probe =
        new DittoHttpClient.Settings(
            s.endpoint(),
            s.apiKey(),
            s.apiVersion(),
            timeout,
            new RetryPolicy(s.retry().base(), s.retry().max(), Duration.ZERO),
            s.allowInsecureHttp());
    try (DittoHttpClient client = new DittoHttpClient(probe)) {
      return probe(client, collections);
    }
  }

  /**
   * The key whose value a finding asks to fix.
   *
   * @param collectionsKey the connector's key naming the collections (for a statement Ditto
   *     rejected)
   */
  public static String keyFor(Finding f, String collectionsKey) {
    return switch (f.problem()) {
      case UNREACHABLE, NOT_FOUND -> DittoConnectionConfig.ENDPOINT;
      case KEY_REFUSED, NOT_PERMITTED -> DittoConnectionConfig.API_KEY;
      case REJECTED -> collectionsKey;
    };
  }

  /**
   * Probes each collection: {@code true} ones are the connector's own (read and write are checked,
   * a 403 is a finding), {@code false} ones are guesses (only read, a 403 proves nothing). Stops at
   * the first problem that is not about one collection.
   *
   * @param client a client that does not retry (a probe answers now or reports the failure)
   */
  public static List<Finding> probe(DittoHttpClient client, Map<String, Boolean> collections) {
    List<Finding> findings = new ArrayList<>();
    for (Map.Entry<String, Boolean> c : collections.entrySet()) {
      String name = c.getKey();
      boolean own = c.getValue();
      Finding read =
          attempt(
              client,
              "SELECT _id FROM " + DqlNames.quote(name) + " LIMIT 1",
              Map.of(),
              name,
              own,
              "read");
      if (read != null) {
        findings.add(read);
        if (read.collection() == null) {
          return findings;
        }
        continue;
      }
      if (own) {
        Finding write =
            attempt(
                client,
                "DELETE FROM " + DqlNames.quote(name) + " WHERE _id = :id",
                Map.of("id", "mongoditto-probe-" + UUID.randomUUID()),
                name,
                true,
                "write");
        if (write != null) {
          findings.add(write);
          if (write.collection() == null) {
            return findings;
          }
        }
      }
    }
    return findings;
  }

  private static Finding attempt(
      DittoHttpClient client,
      String statement,
      Map<String, Object> args,
      String collection,
      boolean own,
      String what) {
    String at = client.executeUri().toString();
    try {
      client.execute(
          statement,
          args,
          DittoHttpClient.RequestObserver.NONE,
          client.deadlineAfter(Duration.ZERO));
      return null;
    } catch (DittoException.AuthFailure e) {
      if (e.status() == 401) {
        return new Finding(
            Problem.KEY_REFUSED,
            null,
            "Ditto at " + at + " did not accept the API key (HTTP 401): is it this app's key?");
      }
      return own
          ? new Finding(
              Problem.NOT_PERMITTED,
              collection,
              "the API key may not "
                  + what
                  + " collection "
                  + collection
                  + " (HTTP 403): it needs read and write permission on it")
          : null;
    } catch (DittoException.BadRequest e) {
      return new Finding(
          Problem.REJECTED,
          collection,
          "Ditto refused to " + what + " collection " + collection + ": " + e.dittoError());
    } catch (DittoException.RetriesExhausted e) {
      return new Finding(
          Problem.UNREACHABLE,
          null,
          "cannot reach Ditto at " + at + ": " + lastError(e.getMessage()));
    } catch (DittoException e) {
      if (e.status() == 404) {
        return new Finding(
            Problem.NOT_FOUND,
            null,
            "no Ditto app answers at "
                + at
                + " (HTTP 404): the endpoint is the portal's Cloud URL Endpoint, without a path"
                + " after the app id");
      }
      return new Finding(Problem.UNREACHABLE, null, "Ditto at " + at + ": " + e.getMessage());
    }
  }

  private static String lastError(String message) {
    int i = message == null ? -1 : message.indexOf("last error: ");
    return i < 0 ? String.valueOf(message) : message.substring(i + "last error: ".length());
  }
}
