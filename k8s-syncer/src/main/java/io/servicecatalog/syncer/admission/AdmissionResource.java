package io.servicecatalog.syncer.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.syncer.config.SyncerConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The mutating admission webhook kube-apiserver calls (MutatingWebhookConfiguration in {@code
 * k8s/k8s-syncer/webhook.yaml}) for CREATE and UPDATE of the custom resources. In a cluster it is
 * served over TLS on 8443 (the certificate comes from cert-manager, see the README); locally over
 * plain HTTP on the service port.
 */
@Path("/admission")
@Tag(name = "admission")
public class AdmissionResource {
  private final UserInfoStamper stamper;

  public AdmissionResource(SyncerConfig config) {
    this.stamper = new UserInfoStamper(config.syncer().serviceAccountUsername());
  }

  @POST
  @Path("mutate")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "AdmissionReview (admission.k8s.io/v1): stamps spec.userInfo and the finalizer")
  public ObjectNode mutate(JsonNode admissionReview) {
    return stamper.review(admissionReview);
  }
}
