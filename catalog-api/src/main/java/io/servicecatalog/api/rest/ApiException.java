package io.servicecatalog.api.rest;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.servicecatalog.model.ServiceCatalog;
import java.util.List;

/** A refused request, answered as a Kubernetes {@code Status} with the same code and reason. */
public class ApiException extends RuntimeException {
  private final transient Status status;

  public ApiException(Status status) {
    super(status.getMessage(), null, false, false);
    this.status = status;
  }

  public Status status() {
    return status;
  }

  public int code() {
    return status.getCode();
  }

  public static ApiException notFound(String kindPlural, String name) {
    return of(404, "NotFound", kindPlural + "." + ServiceCatalog.GROUP + " \"" + name + "\" not found",
        kindPlural, name, List.of());
  }

  public static ApiException alreadyExists(String kindPlural, String name) {
    return of(409, "AlreadyExists",
        kindPlural + "." + ServiceCatalog.GROUP + " \"" + name + "\" already exists",
        kindPlural, name, List.of());
  }

  public static ApiException conflict(String kindPlural, String name, String why) {
    return of(409, "Conflict", "Operation cannot be fulfilled on " + kindPlural + "."
        + ServiceCatalog.GROUP + " \"" + name + "\": " + why, kindPlural, name, List.of());
  }

  public static ApiException forbidden(String kindPlural, String name, String why) {
    return of(403, "Forbidden", kindPlural + "." + ServiceCatalog.GROUP + " \"" + name
        + "\" is forbidden: " + why, kindPlural, name, List.of());
  }

  public static ApiException badRequest(String message) {
    return of(400, "BadRequest", message, null, null, List.of());
  }

  public static ApiException unsupportedMediaType(String message) {
    return of(415, "UnsupportedMediaType", message, null, null, List.of());
  }

  /** 422 Invalid with one cause per offending field, as kube-apiserver reports validation. */
  public static ApiException invalid(String kind, String name, List<StatusCause> causes) {
    StringBuilder msg = new StringBuilder(kind).append(".").append(ServiceCatalog.GROUP)
        .append(" \"").append(name == null ? "" : name).append("\" is invalid: ");
    for (int i = 0; i < causes.size(); i++) {
      StatusCause c = causes.get(i);
      if (i > 0) {
        msg.append(", ");
      }
      msg.append(c.getField()).append(": ").append(c.getMessage());
    }
    return of(422, "Invalid", msg.toString(), kind, name, causes);
  }

  public static ApiException of(int code, String reason, String message, String kind, String name,
      List<StatusCause> causes) {
    StatusBuilder b = new StatusBuilder()
        .withNewMetadata().endMetadata()
        .withStatus("Failure")
        .withMessage(message)
        .withReason(reason)
        .withCode(code);
    if (kind != null || name != null || !causes.isEmpty()) {
      b.withNewDetails()
          .withGroup(ServiceCatalog.GROUP)
          .withKind(kind)
          .withName(name)
          .withCauses(causes.isEmpty() ? null : causes)
          .endDetails();
    }
    return new ApiException(b.build());
  }
}
