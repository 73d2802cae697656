package io.mongoditto.cli.config;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The Ditto side: endpoint and API key (flags override the guide's environment variables). */
public final class DittoOptions {

  @Option(
      names = "--ditto-endpoint",
      paramLabel = "URL",
      description =
          "Ditto Cloud URL endpoint of the app, as the portal shows it (env DITTO_CLOUD_ENDPOINT).")
  String endpoint;

  @Option(
      names = "--ditto-api-key",
      paramLabel = "KEY",
      description =
          "Ditto API key (env DITTO_API_KEY; prefer the variable: flags show up in `ps`). Never printed.")
  String apiKey;

  @Option(
      names = "--ditto-app-id",
      paramLabel = "ID",
      description = "Ditto app id (env DITTO_APP_ID), shown for orientation only.")
  String appId;

  /** {@code settings} with these flags on top. */
  public Settings apply(Settings settings) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(Keys.DITTO_ENDPOINT, endpoint);
    flags.put(Keys.DITTO_API_KEY, apiKey);
    flags.put(Keys.DITTO_APP_ID, appId);
    return settings.with(flags);
  }

  /** Fails with a message naming every way to give the Ditto settings, when one is missing. */
  public static void requireDitto(Settings settings) {
    settings.require(
        Keys.DITTO_ENDPOINT,
        "give --ditto-endpoint, set DITTO_CLOUD_ENDPOINT, or put it in --config");
    settings.require(
        Keys.DITTO_API_KEY, "set DITTO_API_KEY, give --ditto-api-key, or put it in --config");
  }
}
