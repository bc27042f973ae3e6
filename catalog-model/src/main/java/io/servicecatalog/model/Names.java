package io.servicecatalog.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Kubernetes object-name rules, and the original's mapping from OSB ids to object names. */
public final class Names {
  private Names() {}

  public static final int DNS1123_SUBDOMAIN_MAX = 253;
  public static final int DNS1123_LABEL_MAX = 63;
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Returns null when valid, else a message in the words kube-apiserver uses. */
  public static String validateSubdomain(String name) {
    if (name == null || name.isEmpty()) {
      return "Required value: name or generateName is required";
    }
    if (name.length() > DNS1123_SUBDOMAIN_MAX) {
      return "must be no more than " + DNS1123_SUBDOMAIN_MAX + " characters";
    }
    if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
      return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
          + " '-' or '.', and must start and end with an alphanumeric character";
    }
    return null;
  }

  public static String validateLabel(String name) {
    if (name == null || name.isEmpty()) {
      return "Required value";
    }
    if (name.length() > DNS1123_LABEL_MAX) {
      return "must be no more than " + DNS1123_LABEL_MAX + " characters";
    }
    if (!DNS1123_LABEL.matcher(name).matches()) {
      return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
          + " and must start and end with an alphanumeric character";
    }
    return null;
  }

  /**
   * Object name for a class or plan from its OSB id, as the original did: characters outside
   * [a-y0-9.-] become z&lt;hex&gt;z; too-long results are cut and made unique with an md5 suffix.
   */
  public static String escapedName(String osbId) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < osbId.length(); i++) {
      char c = osbId.charAt(i);
      if ((c >= 'a' && c <= 'y') || (c >= '0' && c <= '9') || c == '.' || c == '-') {
        out.append(c);
      } else {
        out.append('z').append(Integer.toHexString(c)).append('z');
      }
    }
    String name = out.toString();
    if (name.length() > DNS1123_LABEL_MAX) {
      name = name.substring(0, 30) + "-" + md5Hex(osbId);
    }
    return name;
  }

  private static String md5Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
