package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Status fields every catalog kind with conditions shares, and the Kubernetes condition rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class ConditionedStatus {
  @JsonPropertyDescription(
      "Latest observations: Ready, Failed and, for instances, OrphanMitigation; each True, False "
      + "or Unknown with a reason and a message.")
  public List<Condition> conditions = new ArrayList<>();
  /** Last generation this status describes. */
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;
  /** The original's name for observedGeneration, kept for its tooling. */
  @JsonPropertyDescription("The original's name for observedGeneration, kept for its tooling.")
  public Long reconciledGeneration;
  /** Summary for printer columns: Ready, Failed, or the Ready condition's reason. */
  @JsonPropertyDescription(
      "Summary shown by kubectl get: Ready, Failed, or the reason the object is not ready.")
  public String lastConditionState;

  public Condition condition(String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  @JsonIgnore
  public boolean isTrue(String type) {
    Condition c = condition(type);
    return c != null && ServiceCatalog.TRUE.equals(c.getStatus());
  }

  @JsonIgnore
  public boolean isReady() {
    return isTrue(ServiceCatalog.CONDITION_READY);
  }

  @JsonIgnore
  public boolean isFailed() {
    return isTrue(ServiceCatalog.CONDITION_FAILED);
  }

  /**
   * Sets a condition; lastTransitionTime moves only when the status value changes, as in
   * Kubernetes. Returns whether anything changed.
   */
  public boolean setCondition(String type, String status, String reason, String message) {
    if (conditions == null) {
      conditions = new ArrayList<>();
    }
    Condition existing = condition(type);
    boolean changed;
    if (existing == null) {
      Condition c = new Condition();
      c.setType(type);
      c.setStatus(status);
      c.setReason(reason);
      c.setMessage(message);
      c.setLastTransitionTime(Times.now());
      conditions.add(c);
      changed = true;
    } else {
      changed =
          !Objects.equals(existing.getStatus(), status)
              || !Objects.equals(existing.getReason(), reason)
              || !Objects.equals(existing.getMessage(), message);
      if (!Objects.equals(existing.getStatus(), status)) {
        existing.setLastTransitionTime(Times.now());
      }
      existing.setStatus(status);
      existing.setReason(reason);
      existing.setMessage(message);
    }
    lastConditionState = summarize();
    return changed;
  }

  public boolean removeCondition(String type) {
    boolean removed = conditions != null && conditions.removeIf(c -> type.equals(c.getType()));
    lastConditionState = summarize();
    return removed;
  }

  private String summarize() {
    if (isFailed()) {
      return ServiceCatalog.CONDITION_FAILED;
    }
    Condition ready = condition(ServiceCatalog.CONDITION_READY);
    if (ready == null) {
      return null;
    }
    return ServiceCatalog.TRUE.equals(ready.getStatus())
        ? ServiceCatalog.CONDITION_READY
        : ready.getReason();
  }
}
