package io.mongoditto.sink;

import io.mongoditto.ditto.ApiVersion;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.ditto.RetryPolicy;
import io.mongoditto.localditto.LocalDitto;
import java.time.Duration;

/** Test helper: the sink's HTTP client for a local Ditto, with the default retries. */
final class LocalDittoHttp {

  private LocalDittoHttp() {}

  static DittoHttpClient client(LocalDitto ditto, ApiVersion version, Duration timeout) {
    return new DittoHttpClient(
        new DittoHttpClient.Settings(
            ditto.endpoint(), ditto.apiKey(), version, timeout, RetryPolicy.defaults(), false));
  }
}
