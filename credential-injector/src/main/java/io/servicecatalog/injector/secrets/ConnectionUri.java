package io.servicecatalog.injector.secrets;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The parts of a connection URI such as {@code mysql://user:pass@host:3306/db?ssl=true} that the
 * servicebinding.io well-known entries need. Lenient where brokers are (a {@code jdbc:} prefix,
 * an IPv6 host in brackets, percent-encoded user info) and silent where the URI does not say
 * something unambiguously: several hosts ({@code h1:1,h2:2}) give no host and no port, a path of
 * more than one segment or an http(s) URI gives no database. Never throws, never keeps the text
 * it was given: {@link #toString()} names which parts were found, not their values.
 */
final class ConnectionUri {
  /** Schemes whose path is a resource, not a database name. */
  private static final Set<String> NO_DATABASE_SCHEMES = Set.of("http", "https", "ws", "wss", "ftp");

  final String host;
  final String port;
  final String username;
  final String password;
  final String database;

  private ConnectionUri(String host, String port, String username, String password, String database) {
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
    this.database = database;
  }

  private static final ConnectionUri NOTHING = new ConnectionUri(null, null, null, null, null);

  static ConnectionUri parse(String uri) {
    if (uri == null) {
      return NOTHING;
    }
    String s = uri.trim();
    if (s.regionMatches(true, 0, "jdbc:", 0, 5)) {
      s = s.substring(5);
    }
    int schemeEnd = s.indexOf("://");
    if (schemeEnd <= 0 || !s.substring(0, schemeEnd).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      return NOTHING;
    }
    String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = s.substring(schemeEnd + 3);
    int authorityEnd = indexOfAny(rest, "/?#");
    String authority = authorityEnd < 0 ? rest : rest.substring(0, authorityEnd);
    String afterAuthority = authorityEnd < 0 ? "" : rest.substring(authorityEnd);

    String username = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    String hostPort = authority;
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      hostPort = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }

    String host = null;
    String port = null;
    if (!hostPort.isEmpty() && hostPort.indexOf(',') < 0) {
      if (hostPort.startsWith("[")) {
        int close = hostPort.indexOf(']');
        if (close > 1) {
          host = hostPort.substring(1, close);
          String tail = hostPort.substring(close + 1);
          if (tail.startsWith(":")) {
            port = digits(tail.substring(1));
          }
        }
      } else {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
          host = hostPort;
        } else if (hostPort.indexOf(':') == colon) {
          host = hostPort.substring(0, colon);
          port = digits(hostPort.substring(colon + 1));
        }
      }
      if (host != null) {
        host = decode(host);
      }
    }

    String database = null;
    if (!NO_DATABASE_SCHEMES.contains(scheme) && afterAuthority.startsWith("/")) {
      int pathEnd = indexOfAny(afterAuthority, "?#");
      String path = pathEnd < 0 ? afterAuthority.substring(1) : afterAuthority.substring(1, pathEnd);
      if (!path.isEmpty() && path.indexOf('/') < 0) {
        database = decode(path);
      }
    }
    return new ConnectionUri(
        emptyToNull(host), port, emptyToNull(username), password, emptyToNull(database));
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String digits(String s) {
    return s.matches("\\d{1,5}") ? s : null;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** RFC 3986 percent-decoding ('+' stays '+'); malformed escapes are kept as they are. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0
          && hex(s.charAt(i + 2)) >= 0) {
        out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  @Override
  public String toString() {
    return "ConnectionUri[host=" + (host != null) + ", port=" + (port != null) + ", username="
        + (username != null) + ", password=" + (password != null) + ", database="
        + (database != null) + "]";
  }
}
