package io.servicecatalog.gateway.osb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OsbPathsTest {

  @Test
  void idsArePercentEncodedOutsideTheUnreservedSet() {
    assertEquals("/v2/service_instances/abc-1._~", OsbPaths.instance("abc-1._~"));
    assertEquals("/v2/service_instances/a%2Fb%20c%2A%3F", OsbPaths.instance("a/b c*?"));
    assertEquals("/v2/service_instances/i%C3%A9/service_bindings/b%2B1/last_operation", OsbPaths.bindingLastOperation("ié", "b+1"));
  }

  @Test
  void queryKeepsOrderAndSkipsNulls() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("service_id", "s 1");
    q.put("plan_id", null);
    q.put("operation", "a&b=c");
    assertEquals("?service_id=s%201&operation=a%26b%3Dc", OsbPaths.query(q));
    assertEquals("", OsbPaths.query(Map.of()));
  }
}
