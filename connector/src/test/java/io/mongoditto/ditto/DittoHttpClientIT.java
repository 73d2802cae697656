package io.mongoditto.ditto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mongoditto.localditto.FaultProxy;
import io.mongoditto.localditto.LocalDitto;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the real engine (local Ditto), with faults injected by the proxy. */
class DittoHttpClientIT {

  private static LocalDitto ditto;
  private FaultProxy proxy;
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startDitto() {
    ditto = LocalDitto.start();
  }

  @AfterAll
  static void stopDitto() {
    ditto.close();
  }

  @BeforeEach
  void startProxy() {
    proxy = FaultProxy.start(ditto.endpoint());
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private DittoHttpClient client(String endpoint, String key, Duration timeout, Duration deadline) {
    RetryPolicy retry = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), deadline);
    DittoHttpClient.Settings s =
        new DittoHttpClient.Settings(endpoint, key, ApiVersion.V5, timeout, retry, false);
    return new DittoHttpClient(
        s,
        d -> {
          waits.add(d);
          Thread.sleep(Math.min(d.toMillis(), 300));
        },
        System::nanoTime);
  }

  private DittoHttpClient client() {
    return client(proxy.endpoint(), ditto.apiKey(), Duration.ofSeconds(5), Duration.ofSeconds(20));
  }

  @Test
  void executesStatementsAndParsesResponses() {
    DittoHttpClient c = client();
    DittoResponse put =
        c.execute(
            "INSERT INTO cl1 DOCUMENTS (:docs) ON ID CONFLICT DO UPDATE",
            Map.of(
                "docs",
                List.of(Map.of("_id", "a", "n", Map.of("p", 1)), Map.of("_id", 7L, "v", 1.5))));
    assertEquals("mutation", put.queryType());
    assertEquals(2, put.mutatedDocumentIds().size());
    DittoResponse got =
        c.execute("SELECT * FROM cl1 WHERE _id IN :ids", Map.of("ids", List.of("a")));
    assertEquals(List.of(Map.of("_id", "a", "n", Map.of("p", 1L))), got.items());
    assertTrue(waits.isEmpty());
  }

  @Test
  void badStatementIsABadRequestCarryingDittosText() {
    DittoException.BadRequest e =
        assertThrows(
            DittoException.BadRequest.class, () -> client().execute("SELEC * FROM cl1", Map.of()));
    assertEquals(400, e.status());
    assertTrue(e.dittoError().contains("DQL parser error"), e.dittoError());
    assertTrue(waits.isEmpty(), "a 400 is never retried");
  }

  @Test
  void wrongKeyIsAnAuthFailureNamingPermissions() {
    DittoHttpClient c =
        client(proxy.endpoint(), "wrong-key", Duration.ofSeconds(5), Duration.ofSeconds(5));
    DittoException.AuthFailure e =
        assertThrows(
            DittoException.AuthFailure.class, () -> c.execute("SELECT * FROM cl1", Map.of()));
    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("read and write permission"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-key"), "never echo the key");
    assertTrue(waits.isEmpty());
  }

  @Test
  void retriesUnavailableHonouringRetryAfterThenSucceeds() throws Exception {
    proxy.respondWith(429, Duration.ofSeconds(1));
    Thread healer =
        new Thread(
            () -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException ignored) {
                return;
              }
              proxy.respondWith(503, null);
              try {
                Thread.sleep(500);
              } catch (InterruptedException ignored) {
                return;
              }
              proxy.clear();
            });
    healer.start();
    java.util.concurrent.atomic.AtomicInteger sent =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger retried =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    DittoResponse r =
        client()
            .execute(
                "SELECT * FROM cl2",
                Map.of(),
                new DittoHttpClient.RequestObserver() {
                  @Override
                  public void sending(int n) {
                    sent.incrementAndGet();
                    bytes.addAndGet(n);
                  }

                  @Override
                  public void retrying() {
                    retried.incrementAndGet();
                  }
                });
    healer.join();
    assertEquals("select", r.queryType());
    // the observer (metrics) sees every attempt: one per wait plus the successful one
    assertEquals(waits.size(), retried.get());
    assertEquals(waits.size() + 1, sent.get());
    assertEquals(
        sent.get() * (long) "{\"statement\":\"SELECT * FROM cl2\",\"args\":{}}".length(),
        bytes.get());
    assertTrue(
        waits.stream().anyMatch(d -> d.equals(Duration.ofSeconds(1))),
        "Retry-After honoured: " + waits);
    assertTrue(
        waits.stream().anyMatch(d -> d.toMillis() < 1000),
        "503 without Retry-After backs off: " + waits);
  }

  @Test
  void givesUpAtTheDeadline() {
    proxy.respondWith(503, null);
    DittoHttpClient c =
        client(proxy.endpoint(), ditto.apiKey(), Duration.ofSeconds(5), Duration.ofMillis(800));
    DittoException.RetriesExhausted e =
        assertThrows(
            DittoException.RetriesExhausted.class, () -> c.execute("SELECT * FROM cl1", Map.of()));
    assertEquals(503, e.status());
    assertTrue(e.attempts() > 1, "retried before giving up");
  }

  @Test
  void hungAndDroppedRequestsAreRetried() throws Exception {
    proxy.hang();
    Thread healer =
        new Thread(
            () -> {
              try {
                Thread.sleep(1200);
                proxy.dropConnections();
                Thread.sleep(300);
                proxy.clear();
              } catch (InterruptedException ignored) {
                // test over
              }
            });
    healer.start();
    DittoHttpClient c =
        client(proxy.endpoint(), ditto.apiKey(), Duration.ofMillis(500), Duration.ofSeconds(20));
    DittoResponse r =
        c.execute(
            "INSERT INTO cl3 DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
            Map.of("d", Map.of("_id", "h")));
    healer.join();
    assertEquals("mutation", r.queryType());
    assertTrue(waits.size() >= 2, "timed out and retried: " + waits);
  }

  @Test
  void refusesPlainHttpToRemoteHostsUnlessAllowed() {
    RetryPolicy retry = RetryPolicy.defaults();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new DittoHttpClient(
                    new DittoHttpClient.Settings(
                        "http://example.com/app",
                        "k",
                        ApiVersion.V5,
                        Duration.ofSeconds(1),
                        retry,
                        false)));
    assertTrue(e.getMessage().contains("unencrypted"));
    new DittoHttpClient(
        new DittoHttpClient.Settings(
            "http://example.com/app", "k", ApiVersion.V5, Duration.ofSeconds(1), retry, true));
    new DittoHttpClient(
        new DittoHttpClient.Settings(
            "http://[::1]:8080", "k", ApiVersion.V5, Duration.ofSeconds(1), retry, false));
    DittoHttpClient c =
        new DittoHttpClient(
            new DittoHttpClient.Settings(
                "https://abc.cloud.dittolive.app/app-uuid/",
                "k",
                ApiVersion.V4,
                Duration.ofSeconds(1),
                retry,
                false));
    assertEquals(
        "https://abc.cloud.dittolive.app/app-uuid/api/v4/store/execute", c.executeUri().toString());
    assertThrows(IllegalArgumentException.class, () -> EndpointPolicy.check("ftp://x", true));
    assertFalse(EndpointPolicy.isLoopback("localhost.example.com"));
  }

  @Test
  void anEndpointWithUserInfoIsRefusedWithoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EndpointPolicy.check("https://admin:s3,cr@t@abc.cloud.dittolive.app/app", true));
    assertTrue(e.getMessage().contains("user info"), e.getMessage());
    assertFalse(
        e.getMessage().contains("s3,cr") || e.getMessage().contains("admin"), e.getMessage());
    assertEquals(
        "https://[hidden]@abc.cloud.dittolive.app/app",
        EndpointPolicy.redact("https://admin:s3,cr@t@abc.cloud.dittolive.app/app"));
  }

  /**
   * Reads carry X-DITTO-TXN-ID with the highest transaction id the client has seen, so on Ditto's
   * cloud a read sees the client's own earlier writes; writes carry none.
   */
  @Test
  void readsCarryTheHighestTransactionIdSeenAndWritesNone() {
    DittoHttpClient c = client();
    assertEquals(-1, c.highestTransactionId());
    DittoResponse first =
        c.execute(
            "INSERT INTO txn1 DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
            Map.of("d", Map.of("_id", "a", "v", 1)));
    DittoResponse second =
        c.execute(
            "INSERT INTO txn1 DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
            Map.of("d", Map.of("_id", "b", "v", 1)));
    assertTrue(second.transactionId() >= first.transactionId());
    DittoResponse read =
        c.read(
            "SELECT * FROM txn1 WHERE _id = :id",
            Map.of("id", "a"),
            DittoHttpClient.RequestObserver.NONE,
            c.deadline());
    assertEquals(List.of(Map.of("_id", "a", "v", 1L)), read.items());
    List<FaultProxy.Received> sent = proxy.received();
    assertNull(sent.get(0).txnId());
    assertNull(sent.get(1).txnId());
    assertEquals(Long.toString(second.transactionId()), sent.get(2).txnId());
    assertEquals(Math.max(second.transactionId(), read.transactionId()), c.highestTransactionId());
    // the local Ditto enforces the header, so the ones the client sends are proven acceptable: a
    // transaction beyond the server's current one is answered 404
    assertEquals(404, rawReadStatus("SELECT * FROM txn1", c.highestTransactionId() + 1000));
    assertEquals(200, rawReadStatus("SELECT * FROM txn1", c.highestTransactionId()));
  }

  private static int rawReadStatus(String statement, long txn) {
    try {
      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(ditto.endpoint() + "/api/v5/store/execute"))
                      .header("Authorization", "Bearer " + ditto.apiKey())
                      .header("Content-Type", "application/json")
                      .header(DittoHttpClient.TXN_HEADER, Long.toString(txn))
                      .POST(
                          java.net.http.HttpRequest.BodyPublishers.ofString(
                              "{\"statement\": \"" + statement + "\", \"args\": {}}"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      return r.statusCode();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A 404 to a read that named a transaction means the node that answered has not reached it yet:
   * retried. A 404 to anything else is a wrong endpoint: not retried.
   */
  @Test
  void aReadAheadOfTheAnsweringNodeIsRetriedAndOther404sAreNot() {
    DittoHttpClient c =
        new DittoHttpClient(
            new DittoHttpClient.Settings(
                proxy.endpoint(),
                ditto.apiKey(),
                ApiVersion.V5,
                Duration.ofSeconds(5),
                new RetryPolicy(
                    Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(20)),
                false),
            d -> proxy.clear(), // the node catches up while the client waits
            System::nanoTime);
    c.execute(
        "INSERT INTO txn2 DOCUMENTS (:d) ON ID CONFLICT DO UPDATE",
        Map.of("d", Map.of("_id", "a", "v", 1)));
    proxy.respondWith(404, null);
    DittoResponse read =
        c.read(
            "SELECT * FROM txn2 WHERE _id = :id",
            Map.of("id", "a"),
            DittoHttpClient.RequestObserver.NONE,
            c.deadline());
    assertEquals(1, read.items().size());
    assertEquals(3, proxy.received().size(), "the write, the read answered 404, the read again");

    proxy.respondWith(404, null);
    DittoException e =
        assertThrows(
            DittoException.class,
            () ->
                c.execute(
                    "DELETE FROM txn2 WHERE _id = :id",
                    Map.of("id", "a"),
                    DittoHttpClient.RequestObserver.NONE,
                    c.deadline()));
    assertEquals(404, e.status());
    assertFalse(e instanceof DittoException.RetriesExhausted);
    assertEquals(4, proxy.received().size(), "not retried");
  }

  @Test
  void parsesRetryAfterAndBacksOffWithinBounds() {
    assertEquals(Duration.ofSeconds(7), DittoHttpClient.retryAfter("7"));
    assertNull(DittoHttpClient.retryAfter("soon"));
    assertTrue(DittoHttpClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT").isZero());
    RetryPolicy p =
        new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(1));
    for (int attempt = 0; attempt < 40; attempt++) {
      long cap = Math.min(2000, 100L << Math.min(attempt, 20));
      long ms = p.backoff(attempt, null).toMillis();
      assertTrue(ms >= cap / 2 && ms <= cap, attempt + ": " + ms);
    }
    assertEquals(Duration.ofSeconds(9), p.backoff(0, Duration.ofSeconds(9)));
  }
}
