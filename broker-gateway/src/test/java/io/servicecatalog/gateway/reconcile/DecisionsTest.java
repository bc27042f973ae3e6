package io.servicecatalog.gateway.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecisionsTest {

  @Test
  void brokerFetchesOnUnreconciledGenerationAndOnRelist() {
    ClusterServiceBroker b = Fixtures.broker("b", "http://x");
    Instant now = Instant.now();
    assertEquals(Optional.of("generation:1"), Decisions.catalogFetchKey(b, Duration.ofHours(24), now));
    b.getStatus().reconciledGeneration = 1L;
    assertEquals(Optional.empty(), Decisions.catalogFetchKey(b, Duration.ofHours(24), now), "never fetched: no relist");
    String last = Times.format(now.minus(Duration.ofMinutes(20)));
    b.getStatus().lastCatalogRetrievalTime = last;
    assertEquals(Optional.empty(), Decisions.catalogFetchKey(b, Duration.ofHours(24), now));
    b.getSpec().relistDuration = "15m0s";
    assertEquals(Optional.of("relist:" + last), Decisions.catalogFetchKey(b, Duration.ofHours(24), now));
    b.getSpec().relistBehavior = ServiceBrokerSpec.RELIST_MANUAL;
    assertEquals(Optional.empty(), Decisions.catalogFetchKey(b, Duration.ofHours(24), now));
    b.getMetadata().setGeneration(2L);
    b.getMetadata().setDeletionTimestamp(Times.now());
    assertEquals(Optional.empty(), Decisions.catalogFetchKey(b, Duration.ofHours(24), now), "deleting");
  }

  @Test
  void provisionNeedsAResolvedPlanAndNoFinalState() {
    ServiceInstance i = Fixtures.instance("i", "c", "p");
    assertTrue(Decisions.needsProvision(i));
    i.getSpec().clusterServicePlanRef = null;
    assertFalse(Decisions.needsProvision(i), "plan not resolved yet");
    i = Fixtures.instance("i", "c", "p");
    i.getStatus().setCondition("Failed", "True", "X", "y");
    assertFalse(Decisions.needsProvision(i));
    assertFalse(Decisions.needsProvision(Fixtures.markProvisioned(Fixtures.instance("i", "c", "p"))));
    assertFalse(Decisions.needsProvision(Fixtures.markDeleting(Fixtures.instance("i", "c", "p"))));
  }

  @Test
  void deprovisionOnlyWhenRequiredAndNotBlocked() {
    ServiceInstance i = Fixtures.markDeleting(Fixtures.markProvisioned(Fixtures.instance("i", "c", "p")));
    assertTrue(Decisions.needsDeprovision(i));
    i.getStatus().setCondition("Ready", "False", Reasons.DEPROVISION_BLOCKED_BY_CREDENTIALS, "bindings");
    assertFalse(Decisions.needsDeprovision(i));
    ServiceInstance never = Fixtures.markDeleting(Fixtures.instance("i", "c", "p"));
    assertFalse(Decisions.needsDeprovision(never), "NotRequired: nothing was ever sent");
    assertFalse(Decisions.needsDeprovision(Fixtures.markProvisioned(Fixtures.instance("i", "c", "p"))), "not deleting");
  }

  @Test
  void bindNeedsAReadyInstance() {
    ServiceBinding b = Fixtures.binding("b", "i");
    ServiceInstance i = Fixtures.instance("i", "c", "p");
    assertTrue(Decisions.mayNeedBind(b));
    assertFalse(Decisions.needsBind(b, i));
    assertFalse(Decisions.needsBind(b, null));
    assertTrue(Decisions.needsBind(b, Fixtures.markProvisioned(i)));
    b.getStatus().setCondition("Ready", "True", "InjectedBindResult", "ok");
    assertFalse(Decisions.needsBind(b, i), "already bound");
  }

  @Test
  void bindingDriftIsCheckedOnlyOnReadyBindingsThatAreNotBeingDeleted() {
    ServiceBinding b = Fixtures.binding("b", "i");
    assertFalse(Decisions.mayCheckBindingDrift(b), "not Ready yet");
    b.getStatus().setCondition("Ready", "True", Reasons.INJECTED_BIND_RESULT, "ok");
    assertTrue(Decisions.mayCheckBindingDrift(b));
    b.getMetadata().setDeletionTimestamp(Times.now());
    assertFalse(Decisions.mayCheckBindingDrift(b));
  }

  @Test
  void unbindOnlyAfterTheSecretIsGone() {
    ServiceBinding b = Fixtures.binding("b", "i");
    b.getMetadata().setDeletionTimestamp(Times.now());
    b.getStatus().unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
    b.getStatus().binding = new io.servicecatalog.model.v1beta1.LocalObjectReference("secret");
    assertFalse(Decisions.needsUnbind(b));
    b.getStatus().binding = null;
    assertTrue(Decisions.needsUnbind(b));
    b.getStatus().unbindStatus = ServiceBindingStatus.UNBIND_NOT_REQUIRED;
    assertFalse(Decisions.needsUnbind(b));
  }

  @Test
  void planBindableOverridesTheClass() {
    ClusterServiceClass c = Fixtures.serviceClass("c", "b", "s", true);
    ClusterServicePlan p = Fixtures.plan("p", "b", "c", "p", null);
    assertTrue(Decisions.bindable(c.getSpec(), p.getSpec()));
    p.getSpec().bindable = false;
    assertFalse(Decisions.bindable(c.getSpec(), p.getSpec()));
    c.getSpec().bindable = false;
    p.getSpec().bindable = true;
    assertTrue(Decisions.bindable(c.getSpec(), p.getSpec()));
    p.getSpec().bindable = null;
    c.getSpec().bindable = null;
    assertFalse(Decisions.bindable(c.getSpec(), p.getSpec()));
  }

  @Test
  void goDurations() {
    assertEquals(Duration.ofMinutes(15), Decisions.parseGoDuration("15m"));
    assertEquals(Duration.ofMinutes(90), Decisions.parseGoDuration("1h30m0s"));
    assertEquals(Duration.ofMillis(1500), Decisions.parseGoDuration("1.5s"));
    assertNull(Decisions.parseGoDuration("15 minutes"));
    assertNull(Decisions.parseGoDuration(""));
  }
}
