package io.servicecatalog.gateway.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.v1beta1.ParametersFromSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of a provision, update or bind: {@code spec.parameters} merged with every
 * {@code spec.parametersFrom[].secretKeyRef} (a key of a Secret in the resource's namespace whose
 * value is a JSON object). A top-level key given twice is an error, as in the original. The
 * result lives in memory only; what is stored or reported is its checksum.
 */
@ApplicationScoped
public class Parameters {

  /** Merged parameters (null when there are none) and the sha256 of their canonical JSON. */
  public record Built(ObjectNode parameters, String checksum) {
    public boolean isEmpty() {
      return parameters == null || parameters.isEmpty();
    }
  }

  private final KubernetesClient kube;

  public Parameters(KubernetesClient kube) {
    this.kube = kube;
  }

  public Uni<Built> build(String namespace, JsonNode inline, List<ParametersFromSource> from) {
    if ((from == null || from.isEmpty())) {
      try {
        return Uni.createFrom().item(merge(inline, List.of()));
      } catch (ParametersException e) {
        return Uni.createFrom().failure(e);
      }
    }
    return Uni.createFrom()
        .item(() -> {
          List<Source> sources = new ArrayList<>();
          for (ParametersFromSource f : from) {
            sources.add(read(namespace, f));
          }
          return merge(inline, sources);
        })
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  record Source(String name, ObjectNode value) {}

  private Source read(String namespace, ParametersFromSource f) {
    if (f == null || f.secretKeyRef == null || f.secretKeyRef.name == null || f.secretKeyRef.key == null) {
      throw new ParametersException(Reasons.ERROR_WITH_PARAMETERS, "parametersFrom needs secretKeyRef.name and .key", true);
    }
    String what = "Secret \"" + f.secretKeyRef.name + "\" key \"" + f.secretKeyRef.key + "\"";
    Secret secret = kube.secrets().inNamespace(namespace).withName(f.secretKeyRef.name).get();
    if (secret == null) {
      throw new ParametersException(Reasons.ERROR_WITH_PARAMETERS,
          "parametersFrom: Secret \"" + f.secretKeyRef.name + "\" does not exist in namespace \"" + namespace + "\"", false);
    }
    String raw = null;
    Map<String, String> data = secret.getData();
    if (data != null && data.get(f.secretKeyRef.key) != null) {
      raw = new String(Base64.getDecoder().decode(data.get(f.secretKeyRef.key)), StandardCharsets.UTF_8);
    } else if (secret.getStringData() != null) {
      raw = secret.getStringData().get(f.secretKeyRef.key);
    }
    if (raw == null) {
      throw new ParametersException(Reasons.ERROR_WITH_PARAMETERS, "parametersFrom: " + what + " does not exist", false);
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(raw);
    } catch (Exception e) {
      throw new ParametersException(Reasons.ERROR_WITH_PARAMETERS, "parametersFrom: " + what + " is not valid JSON", false);
    }
    if (node == null || !node.isObject()) {
      throw new ParametersException(Reasons.ERROR_WITH_PARAMETERS, "parametersFrom: " + what + " is not a JSON object", false);
    }
    return new Source(what, (ObjectNode) node);
  }

  static Built merge(JsonNode inline, List<Source> sources) {
    if (inline != null && !inline.isNull() && !inline.isObject()) {
      throw new ParametersException(Reasons.ERROR_WITH_PARAMETERS, "spec.parameters must be a JSON object", true);
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    Map<String, String> origin = new TreeMap<>();
    if (inline != null && inline.isObject()) {
      inline.fields().forEachRemaining(e -> {
        out.set(e.getKey(), e.getValue());
        origin.put(e.getKey(), "spec.parameters");
      });
    }
    for (Source s : sources) {
      Iterator<Map.Entry<String, JsonNode>> it = s.value().fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (out.has(e.getKey())) {
          throw new ParametersException(Reasons.ERROR_WITH_PARAMETERS, "parameter \"" + e.getKey() + "\" is given twice (in "
              + origin.get(e.getKey()) + " and in parametersFrom " + s.name() + ")", false);
        }
        out.set(e.getKey(), e.getValue());
        origin.put(e.getKey(), "parametersFrom " + s.name());
      }
    }
    boolean none = (inline == null || inline.isNull()) && sources.isEmpty();
    return new Built(none ? null : out, checksum(none ? null : out));
  }

  /** sha256 (hex) of the canonical JSON (object keys sorted); null for no parameters. */
  public static String checksum(JsonNode parameters) {
    if (parameters == null || parameters.isNull()) {
      return null;
    }
    try {
      byte[] bytes = Json.MAPPER.writeValueAsBytes(canonical(parameters));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode canonical(JsonNode n) {
    if (n.isObject()) {
      ObjectNode sorted = Json.MAPPER.createObjectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      n.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> sorted.set(k, canonical(v)));
      return sorted;
    }
    if (n.isArray()) {
      ArrayNode a = Json.MAPPER.createArrayNode();
      n.forEach(x -> a.add(canonical(x)));
      return a;
    }
    return n;
  }
}
