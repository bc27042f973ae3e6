package io.servicecatalog.model.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * The bearer token a service sends to catalog-api: {@code servicecatalog.catalog-api.token}, or
 * the contents of {@code servicecatalog.catalog-api.token-file} (a mounted Secret or a projected
 * service-account token, which the kubelet rotates: the file is read again whenever it changes).
 * The token itself is never part of an exception message or {@link #toString()}.
 */
public final class CatalogApiToken {
  private final String fixed;
  private final Path file;
  private FileTime readAt;
  private String fromFile;

  public CatalogApiToken(Optional<String> token, Optional<String> tokenFile) {
    this.fixed = token.map(String::strip).filter(t -> !t.isEmpty()).orElse(null);
    this.file = tokenFile.map(String::strip).filter(f -> !f.isEmpty()).map(Path::of).orElse(null);
  }

  /** {@code Bearer <token>}, or empty when no token is configured. */
  public synchronized Optional<String> authorization() {
    if (fixed != null) {
      return Optional.of("Bearer " + fixed);
    }
    if (file == null) {
      return Optional.empty();
    }
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (fromFile == null || !modified.equals(readAt)) {
        fromFile = Files.readString(file, StandardCharsets.UTF_8).strip();
        readAt = modified;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the catalog-api token file " + file, e);
    }
    return fromFile.isEmpty() ? Optional.empty() : Optional.of("Bearer " + fromFile);
  }

  @Override
  public String toString() {
    return "CatalogApiToken[" + (fixed != null ? "configured" : file != null ? "file " + file : "none") + "]";
  }
}
