package io.servicecatalog.injector.rotation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.servicecatalog.model.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Rolling restarts after a rotation, for workloads that ask for them: Deployments, StatefulSets
 * and DaemonSets in the binding's namespace annotated {@value #RESTART_ON_ROTATION} with the
 * Secret's name (several names may be given, comma-separated). Their pod template gets the
 * annotation {@value #RESTARTED_AT} set to the rotation time, which is what {@code kubectl
 * rollout restart} does (with its own annotation name); the controllers then replace the pods,
 * which read the new credentials. Setting the same time again changes nothing, so a restart
 * that is repeated after a failure or a redelivery does not roll the pods twice.
 */
@ApplicationScoped
public class WorkloadRestarter {
  private static final Logger LOG = Logger.getLogger(WorkloadRestarter.class);

  public static final String RESTART_ON_ROTATION = "servicecatalog.k8s.io/restart-on-rotation";
  public static final String RESTARTED_AT = "servicecatalog.k8s.io/restartedAt";

  /** A workload to restart, e.g. {@code deployment/web}. */
  public record Target(String kind, String name) {
    @Override
    public String toString() {
      return kind + "/" + name;
    }
  }

  private final KubernetesClient client;

  @Inject
  public WorkloadRestarter(KubernetesClient client) {
    this.client = client;
  }

  /** The workloads of {@code namespace} that asked to be restarted when {@code secretName} rotates. */
  public List<Target> targets(String namespace, String secretName) {
    List<Target> out = new ArrayList<>();
    collect(out, "deployment", client.apps().deployments().inNamespace(namespace).list().getItems(),
        secretName);
    collect(out, "statefulset",
        client.apps().statefulSets().inNamespace(namespace).list().getItems(), secretName);
    collect(out, "daemonset", client.apps().daemonSets().inNamespace(namespace).list().getItems(),
        secretName);
    return out;
  }

  private static void collect(
      List<Target> out, String kind, List<? extends HasMetadata> items, String secretName) {
    for (HasMetadata item : items) {
      Map<String, String> a = item.getMetadata().getAnnotations();
      String wanted = a == null ? null : a.get(RESTART_ON_ROTATION);
      if (wanted != null
          && Arrays.stream(wanted.split(",")).map(String::trim).anyMatch(secretName::equals)) {
        out.add(new Target(kind, item.getMetadata().getName()));
      }
    }
  }

  /**
   * Sets {@value #RESTARTED_AT} to {@code time} on each target's pod template where it is not
   * already; a target that no longer exists is skipped. Returns the targets actually changed.
   */
  public List<Target> restart(String namespace, List<Target> targets, String time) {
    List<Target> changed = new ArrayList<>();
    for (Target t : targets) {
      boolean done =
          switch (t.kind()) {
            case "deployment" -> restart(client.apps().deployments(), namespace, t.name(), time,
                (Deployment d) -> d.getSpec() == null ? null : d.getSpec().getTemplate());
            case "statefulset" -> restart(client.apps().statefulSets(), namespace, t.name(), time,
                (StatefulSet s) -> s.getSpec() == null ? null : s.getSpec().getTemplate());
            case "daemonset" -> restart(client.apps().daemonSets(), namespace, t.name(), time,
                (DaemonSet s) -> s.getSpec() == null ? null : s.getSpec().getTemplate());
            default -> false;
          };
      if (done) {
        changed.add(t);
        LOG.infof("%s/%s restarted after its credentials rotated", namespace, t);
      }
    }
    return changed;
  }

  private <T extends HasMetadata> boolean restart(
      MixedOperation<T, ?, ? extends Resource<T>> op,
      String namespace,
      String name,
      String time,
      Function<T, PodTemplateSpec> template) {
    Resource<T> resource = op.inNamespace(namespace).withName(name);
    T current = resource.get();
    if (current == null) {
      return false;
    }
    PodTemplateSpec tpl = template.apply(current);
    Map<String, String> a =
        tpl == null || tpl.getMetadata() == null ? null : tpl.getMetadata().getAnnotations();
    if (a != null && time.equals(a.get(RESTARTED_AT))) {
      return false;
    }
    ObjectNode patch = Json.MAPPER.createObjectNode();
    patch.putObject("spec").putObject("template").putObject("metadata").putObject("annotations")
        .put(RESTARTED_AT, time);
    try {
      resource.patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
