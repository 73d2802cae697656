package io.mongoditto.ditto;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, bounded by a total retry duration. Attempt n (from 0) waits a
 * random time in [d/2, d] with d = min(max, base * 2^n) ("equal jitter": spread out, never near
 * zero); a server's {@code Retry-After} wins when it asks for longer.
 *
 * @param base first backoff
 * @param max largest backoff
 * @param maxDuration how long to keep retrying one request before giving up
 */
public record RetryPolicy(Duration base, Duration max, Duration maxDuration) {

  public RetryPolicy {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(maxDuration, "maxDuration");
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0 || maxDuration.isNegative()) {
      throw new IllegalArgumentException("need 0 < base <= max and maxDuration >= 0");
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(5));
  }

  /** The wait before the retry after failed attempt {@code attempt} (0-based). */
  public Duration backoff(int attempt, Duration retryAfter) {
    long baseMs = base.toMillis();
    long cap = max.toMillis();
    long exp = attempt >= 62 ? cap : Math.min(cap, baseMs * (1L << Math.min(attempt, 30)));
    long jittered = exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
    Duration wait = Duration.ofMillis(jittered);
    return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
  }
}
