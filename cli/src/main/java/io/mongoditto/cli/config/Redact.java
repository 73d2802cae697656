package io.mongoditto.cli.config;

import com.mongodb.ConnectionString;

/** Renders connection strings for people without their credentials. */
public final class Redact {

  private Redact() {}

  /** {@code mongodb://user:***@host:27017} style: scheme, user and hosts, never the password. */
  public static String mongoUri(String uri) {
    try {
      ConnectionString cs = new ConnectionString(uri);
      String scheme = uri.startsWith("mongodb+srv://") ? "mongodb+srv://" : "mongodb://";
      String user =
          cs.getUsername() == null
              ? ""
              : cs.getUsername() + (cs.getPassword() == null ? "@" : ":***@");
      return scheme + user + String.join(",", cs.getHosts());
    } catch (RuntimeException e) {
      return "<unparseable MongoDB URI>";
    }
  }
}
