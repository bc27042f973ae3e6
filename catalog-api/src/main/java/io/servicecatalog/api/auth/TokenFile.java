package io.servicecatalog.api.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Static bearer tokens in kube-apiserver's --token-auth-file format:
 * {@code token,user,uid,"group1,group2"} (groups optional, quoted when more than one; lines
 * starting with # are comments). Only SHA-256 digests of the tokens are kept, compared in
 * constant time; no token ever reaches a log or an error message (a bad line is reported by
 * number only).
 */
public final class TokenFile {
  private record Entry(byte[] digest, Caller caller) {}

  private final List<Entry> entries;

  private TokenFile(List<Entry> entries) {
    this.entries = entries;
  }

  public static TokenFile load(Path file) throws IOException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
  }

  static TokenFile parse(List<String> lines, String source) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = csv(line);
      if (fields.size() < 3 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
        throw new IllegalArgumentException(source + " line " + (i + 1)
            + ": expected token,user,uid[,\"group1,group2\"]");
      }
      List<String> groups = new ArrayList<>();
      if (fields.size() > 3) {
        for (String g : fields.get(3).split(",")) {
          if (!g.isBlank()) {
            groups.add(g.strip());
          }
        }
      }
      entries.add(new Entry(digest(fields.get(0)), Caller.of(fields.get(1), fields.get(2), groups)));
    }
    return new TokenFile(List.copyOf(entries));
  }

  public int size() {
    return entries.size();
  }

  /** Every entry is compared, so the time taken says nothing about which token (nearly) matched. */
  public Optional<Caller> find(String token) {
    byte[] presented = digest(token);
    Caller found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest, presented) && found == null) {
        found = e.caller;
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One CSV line: fields separated by commas, double quotes around fields that contain commas. */
  private static List<String> csv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().strip());
    return out;
  }

  @Override
  public String toString() {
    return "TokenFile" + Arrays.asList(entries.size() + " tokens");
  }
}
