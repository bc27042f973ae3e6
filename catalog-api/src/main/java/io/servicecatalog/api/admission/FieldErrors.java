package io.servicecatalog.api.admission;

import io.fabric8.kubernetes.api.model.StatusCause;
import io.servicecatalog.api.rest.ApiException;
import java.util.ArrayList;
import java.util.List;

/** Collects field problems so one response names all of them, like kube-apiserver does. */
final class FieldErrors {
  private final List<StatusCause> causes = new ArrayList<>();

  void required(String field, String detail) {
    add("FieldValueRequired", field, "Required value" + (detail == null ? "" : ": " + detail));
  }

  void invalid(String field, Object value, String detail) {
    add("FieldValueInvalid", field,
        "Invalid value: " + (value == null ? "null" : "\"" + value + "\"") + ": " + detail);
  }

  void forbidden(String field, String detail) {
    add("FieldValueForbidden", field, "Forbidden: " + detail);
  }

  void notSupported(String field, Object value, List<String> supported) {
    add("FieldValueNotSupported", field, "Unsupported value: \"" + value + "\": supported values: "
        + String.join(", ", supported.stream().map(s -> "\"" + s + "\"").toList()));
  }

  void add(String reason, String field, String message) {
    StatusCause c = new StatusCause();
    c.setReason(reason);
    c.setField(field);
    c.setMessage(message);
    causes.add(c);
  }

  boolean isEmpty() {
    return causes.isEmpty();
  }

  void throwIfAny(String kind, String name) {
    if (!causes.isEmpty()) {
      throw ApiException.invalid(kind, name, causes);
    }
  }
}
