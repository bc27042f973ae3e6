package io.servicecatalog.gateway.support;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every integration test class declares the same three test resources with {@code
 * @WithTestResource} (Kubernetes mock server in CRUD mode, in-process Kafka, fake broker +
 * catalog-api stand-in): classes with matching resources share one application start. ({@code
 * @WithKubernetesTestServer} restricts its resource to the annotated class, which restarts the
 * application, and Kafka with it, for every test class; {@code KubernetesServerTestResource} is
 * the same server, CRUD by default.)
 *
 * <p>Common set-up: the broker's auth Secret and the users' Namespace in the Kubernetes mock
 * server, the Kafka observer, and a broker with one class and plan in the catalog-api stand-in.
 */
public abstract class GatewayTestBase {

  @Inject
  protected KubernetesClient kube;

  protected FakeBroker broker;
  protected FakeCatalogApi catalogApi;
  protected ClusterServiceBroker brokerResource;
  protected ClusterServiceClass serviceClass;
  protected ClusterServicePlan plan;

  @BeforeEach
  void commonSetUp() {
    TestTopics.start();
    broker = FakesTestResource.broker();
    catalogApi = FakesTestResource.catalogApi();
    if (kube.namespaces().withName(Fixtures.AUTH_NAMESPACE).get() == null) {
      kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(Fixtures.AUTH_NAMESPACE).endMetadata().build()).create();
    }
    if (kube.namespaces().withName(Fixtures.NAMESPACE).get() == null) {
      kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(Fixtures.NAMESPACE)
          .endMetadata().build()).create();
    }
    if (kube.secrets().inNamespace(Fixtures.AUTH_NAMESPACE).withName(Fixtures.AUTH_SECRET).get() == null) {
      kube.secrets().inNamespace(Fixtures.AUTH_NAMESPACE).resource(new SecretBuilder()
          .withNewMetadata().withNamespace(Fixtures.AUTH_NAMESPACE).withName(Fixtures.AUTH_SECRET).endMetadata()
          .withData(Map.of("username", b64(FakeBroker.USER), "password", b64(FakeBroker.PASSWORD)))
          .build()).create();
    }
    String s = Fixtures.suffix();
    brokerResource = Fixtures.broker("broker-" + s, broker.url());
    brokerResource.getStatus().reconciledGeneration = 1L;
    brokerResource.getStatus().lastCatalogRetrievalTime = io.servicecatalog.model.Times.now();
    serviceClass = Fixtures.serviceClass("class-" + s, brokerResource.getMetadata().getName(), "svc-" + s, true);
    plan = Fixtures.plan("plan-" + s, brokerResource.getMetadata().getName(), serviceClass.getMetadata().getName(), "plan-" + s, null);
    catalogApi.put(brokerResource);
    catalogApi.put(serviceClass);
    catalogApi.put(plan);
  }

  /** A broker of its own (URL path prefix "/b-NAME" on the fake broker) with one class and plan. */
  public record OtherBroker(ClusterServiceBroker broker, ClusterServiceClass serviceClass, ClusterServicePlan plan, String prefix) {}

  protected OtherBroker otherBroker() {
    String s = Fixtures.suffix();
    String name = "broker-" + s;
    ClusterServiceBroker b = Fixtures.broker(name, broker.url() + "/b-" + name);
    b.getStatus().reconciledGeneration = 1L;
    b.getStatus().lastCatalogRetrievalTime = io.servicecatalog.model.Times.now();
    ClusterServiceClass c = Fixtures.serviceClass("class-" + s, name, "svc-" + s, true);
    ClusterServicePlan p = Fixtures.plan("plan-" + s, name, c.getMetadata().getName(), "plan-" + s, null);
    catalogApi.put(b);
    catalogApi.put(c);
    catalogApi.put(p);
    return new OtherBroker(b, c, p, "/b-" + name);
  }

  /** A new instance of another broker's plan, stored in the catalog-api stand-in. */
  protected io.servicecatalog.model.v1beta1.ServiceInstance newInstance(OtherBroker other) {
    var i = Fixtures.instance("db-" + Fixtures.suffix(), other.serviceClass().getMetadata().getName(),
        other.plan().getMetadata().getName());
    catalogApi.put(i);
    return i;
  }

  /** A new instance of the test's plan, stored in the catalog-api stand-in, not provisioned yet. */
  protected io.servicecatalog.model.v1beta1.ServiceInstance newInstance() {
    var i = Fixtures.instance("db-" + Fixtures.suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName());
    catalogApi.put(i);
    return i;
  }

  /** A provisioned, Ready instance of the test's plan (status.externalProperties: the plan). */
  protected io.servicecatalog.model.v1beta1.ServiceInstance readyInstance() {
    var i = Fixtures.markProvisioned(
        Fixtures.instance("db-" + Fixtures.suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName()));
    i.getStatus().externalProperties = new io.servicecatalog.model.v1beta1.PropertiesState();
    i.getStatus().externalProperties.clusterServicePlanExternalID = plan.getSpec().externalID;
    i.getStatus().observedGeneration = i.getMetadata().getGeneration();
    catalogApi.put(i);
    return i;
  }

  protected static String uid(io.fabric8.kubernetes.client.CustomResource<?, ?> r) {
    return r.getMetadata().getUid();
  }

  protected static boolean has(io.fabric8.kubernetes.client.CustomResource<?, ?> r,
      io.servicecatalog.model.events.OperationResult.Operation op, io.servicecatalog.model.events.OperationResult.Outcome outcome) {
    return TestTopics.results(uid(r)).stream().anyMatch(x -> x.operation == op && x.outcome == outcome);
  }

  protected static io.servicecatalog.model.events.OperationResult last(io.fabric8.kubernetes.client.CustomResource<?, ?> r,
      io.servicecatalog.model.events.OperationResult.Operation op, io.servicecatalog.model.events.OperationResult.Outcome outcome) {
    var list = TestTopics.results(uid(r)).stream().filter(x -> x.operation == op && x.outcome == outcome).toList();
    return list.isEmpty() ? null : list.get(list.size() - 1);
  }

  protected static String instancePath(io.servicecatalog.model.v1beta1.ServiceInstance i) {
    return "/v2/service_instances/" + i.getSpec().externalID;
  }

  protected static String bindingPath(io.servicecatalog.model.v1beta1.ServiceInstance i, io.servicecatalog.model.v1beta1.ServiceBinding b) {
    return instancePath(i) + "/service_bindings/" + b.getSpec().externalID;
  }

  /** Methods of the requests to exactly this path, in order. */
  protected java.util.List<String> calls(String path) {
    return broker.requests().stream().filter(r -> r.path().equals(path)).map(FakeBroker.Recorded::method).toList();
  }

  protected static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The uid the Kubernetes API gave the users' namespace (space_guid, app_guid). */
  protected String namespaceUid() {
    return kube.namespaces().withName(Fixtures.NAMESPACE).get().getMetadata().getUid();
  }

  private static String b64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  protected static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
  }
}
