package io.mongoditto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The one version every connector and task of the plugin reports: the Maven project version. */
public final class PluginVersion {

  private static final String VERSION = load();

  private PluginVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    // Written by the build (resource filtering), so it cannot drift from the POM.
    try (InputStream in = PluginVersion.class.getResourceAsStream("plugin-version.properties")) {
      if (in == null) {
        throw new IllegalStateException("plugin-version.properties is missing from the plugin jar");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
