package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The {@code context} object of the Kubernetes profile (profile.md, Kubernetes Context Object). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KubernetesContext(
    @JsonProperty("platform") String platform,
    @JsonProperty("namespace") String namespace,
    @JsonProperty("clusterid") String clusterId,
    @JsonProperty("instance_name") String instanceName,
    @JsonProperty("instance_annotations") Map<String, String> instanceAnnotations,
    @JsonProperty("namespace_annotations") Map<String, String> namespaceAnnotations) {}
