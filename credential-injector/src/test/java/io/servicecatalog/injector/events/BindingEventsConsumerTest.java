package io.servicecatalog.injector.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.injector.reconcile.SecretReconciler.DeleteRequest;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.ResourceEvent;
import org.junit.jupiter.api.Test;

class BindingEventsConsumerTest {

  static ResourceEvent event(ResourceEvent.Type type, String kind, boolean deleting, String secretName) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    ObjectNode m = o.putObject("metadata");
    m.put("name", "b");
    m.put("namespace", "ns");
    m.put("uid", "u");
    m.put("generation", 4);
    if (deleting) {
      m.put("deletionTimestamp", "2026-01-01T00:00:00Z");
    }
    if (secretName != null) {
      o.putObject("spec").put("secretName", secretName);
    }
    return new ResourceEvent(1, "e", type, kind, null, null, null, "1", null, "t", o);
  }

  @Test
  void deletingBindingNamesItsSecret() {
    DeleteRequest r =
        BindingEventsConsumer.deletion(
            event(ResourceEvent.Type.MODIFIED, "ServiceBinding", true, "creds"));
    assertEquals(new DeleteRequest("ns", "b", "u", 4L, "creds"), r);
  }

  @Test
  void deletedEventDefaultsTheSecretNameToTheBindingName() {
    DeleteRequest r =
        BindingEventsConsumer.deletion(
            event(ResourceEvent.Type.DELETED, "ServiceBinding", false, null));
    assertEquals("b", r.secretName());
  }

  @Test
  void liveBindingsAndOtherKindsAskForNothing() {
    assertNull(BindingEventsConsumer.deletion(
        event(ResourceEvent.Type.MODIFIED, "ServiceBinding", false, "creds")));
    assertNull(BindingEventsConsumer.deletion(
        event(ResourceEvent.Type.DELETED, "ServiceInstance", true, null)));
  }
}
