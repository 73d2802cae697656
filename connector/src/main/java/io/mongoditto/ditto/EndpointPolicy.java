package io.mongoditto.ditto;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which endpoints the client may talk to: https anywhere, plain http only to loopback unless
 * allowed.
 */
public final class EndpointPolicy {

  private EndpointPolicy() {}

  /**
   * Parses and checks a base URL.
   *
   * @throws IllegalArgumentException saying why the endpoint is refused
   */
  public static URI check(String endpoint, boolean allowInsecureHttp) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException("the Ditto endpoint is empty");
    }
    URI uri;
    try {
      uri = URI.create(endpoint.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + endpoint, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(
          "expected an http(s) URL with a host, like the portal's Cloud URL Endpoint: " + endpoint);
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "the endpoint is a base URL without query or fragment: " + endpoint);
    }
    if (scheme.equals("http") && !allowInsecureHttp && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException(
          "plain http:// to "
              + uri.getHost()
              + " would send the API key unencrypted: use https:// or explicitly allow insecure http");
    }
    return uri;
  }

  static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Only literal addresses: never resolve names here (a DNS answer must not unlock plain http).
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The execute URL for a base endpoint and API version. */
  public static URI executeUri(URI base, ApiVersion version) {
    String s = base.toString();
    if (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s + version.path());
  }
}
