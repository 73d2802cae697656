package io.mongoditto.cli;

import io.mongoditto.cli.config.DittoOptions;
import io.mongoditto.cli.config.Settings;
import io.mongoditto.ditto.DittoHttpClient;
import io.mongoditto.sink.DittoSinkConfig;
import org.apache.kafka.common.config.ConfigException;

/** A Ditto HTTP client configured exactly as the sink connector would be. */
public final class Ditto {

  private Ditto() {}

  public static DittoHttpClient client(Settings settings) {
    DittoOptions.requireDitto(settings);
    try {
      return new DittoHttpClient(new DittoSinkConfig(settings.asMap()).clientSettings());
    } catch (ConfigException e) {
      throw new UserException("Ditto settings: " + e.getMessage());
    }
  }
}
