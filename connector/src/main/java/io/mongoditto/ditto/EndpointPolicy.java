package io.mongoditto.ditto;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which endpoints the client may talk to: https anywhere, plain http only to loopback unless
 * allowed, never with credentials in the URL (Ditto takes the API key as a Bearer token, so a
 * {@code user:password@} part can only be a mistake, and it must not reach logs or error texts).
 */
public final class EndpointPolicy {

  /** scheme://anything-up-to-@ : the user info of a URL, however malformed the rest is. */
  private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^/?#\\s]*@");

  private EndpointPolicy() {}

  /**
   * Parses and checks a base URL. No message echoes user info.
   *
   * @throws IllegalArgumentException saying why the endpoint is refused
   */
  public static URI check(String endpoint, boolean allowInsecureHttp) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException("the Ditto endpoint is empty");
    }
    String shown = redact(endpoint);
    URI uri;
    try {
      uri = URI.create(endpoint.trim());
    } catch (IllegalArgumentException e) {
      // the parser's own message quotes the input: leave it out
      throw new IllegalArgumentException("not a URL: " + shown);
    }
    if (uri.getRawUserInfo() != null || !shown.equals(endpoint)) {
      throw new IllegalArgumentException(
          "the endpoint carries user info (user:password@), which Ditto does not use and which"
              + " would end up in logs: remove it, the key goes in "
              + DittoConnectionConfig.API_KEY
              + " ("
              + shown
              + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(
          "expected an http(s) URL with a host, like the portal's Cloud URL Endpoint: " + shown);
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "the endpoint is a base URL without query or fragment: " + shown);
    }
    if (scheme.equals("http") && !allowInsecureHttp && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException(
          "plain http:// to "
              + uri.getHost()
              + " would send the API key unencrypted: use https://, or set "
              + DittoConnectionConfig.ALLOW_INSECURE_HTTP
              + "=true for a trusted network");
    }
    return uri;
  }

  /** The endpoint with any {@code user:password@} replaced, safe to show. */
  public static String redact(String endpoint) {
    return endpoint == null ? null : USER_INFO.matcher(endpoint).replaceAll("[hidden]@");
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
