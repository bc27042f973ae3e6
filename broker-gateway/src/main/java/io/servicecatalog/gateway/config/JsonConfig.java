package io.servicecatalog.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.servicecatalog.model.Json;
import jakarta.inject.Singleton;

/** Quarkus' ObjectMapper (REST server and catalog-api client) reads and writes like {@link Json#MAPPER}. */
@Singleton
public class JsonConfig implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    Json.configure(mapper);
  }
}
