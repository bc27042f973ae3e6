package io.servicecatalog.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** One JSON configuration for resources and events, so every service reads what the others write. */
public final class Json {
  private Json() {}

  public static final ObjectMapper MAPPER = configure(JsonMapper.builder().build());

  /** Applies the shared settings to a mapper owned by a framework (e.g. Quarkus' ObjectMapper). */
  public static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
        // Kubernetes clients ignore fields they do not know; so do we (forward compatibility).
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
  }
}
