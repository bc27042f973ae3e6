package io.servicecatalog.gateway.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.Names;
import io.servicecatalog.model.v1beta1.CatalogRestrictions;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogFilterTest {

  static final String CATALOG = "{\"services\":["
      + "{\"id\":\"s1\",\"name\":\"mariadb\",\"plans\":[{\"id\":\"p1\",\"name\":\"small\"},{\"id\":\"p2\",\"name\":\"big\",\"free\":false}]},"
      + "{\"id\":\"s2\",\"name\":\"redis\",\"plans\":[{\"id\":\"p3\",\"name\":\"small\",\"free\":true}]}]}";

  static JsonNode catalog() throws Exception {
    return Json.MAPPER.readTree(CATALOG);
  }

  static CatalogRestrictions r(List<String> classes, List<String> plans) {
    CatalogRestrictions c = new CatalogRestrictions();
    c.serviceClass = classes;
    c.servicePlan = plans;
    return c;
  }

  @Test
  void noRestrictionsKeepTheCatalogAsItIs() throws Exception {
    JsonNode c = catalog();
    assertSame(c, CatalogFilter.apply(c, null, false).catalog());
    assertSame(c, CatalogFilter.apply(c, r(List.of(), null), false).catalog());
  }

  @Test
  void everyOperatorOnEveryProperty() throws Exception {
    assertEquals(1, CatalogFilter.apply(catalog(), r(List.of("spec.externalName==mariadb"), null), false).classesAfter());
    assertEquals(1, CatalogFilter.apply(catalog(), r(List.of("spec.externalID!=s1"), null), false).classesAfter());
    assertEquals(2, CatalogFilter.apply(catalog(), r(List.of("name in (" + Names.escapedName("s1") + ", s2)"), null), false).classesAfter());
    assertEquals(0, CatalogFilter.apply(catalog(), r(List.of("spec.externalName notin (mariadb,redis)"), null), false).classesAfter());
    var plans = CatalogFilter.apply(catalog(), r(null, List.of("spec.free=true")), false);
    assertEquals(2, plans.plansAfter());
    var byClass = CatalogFilter.apply(catalog(), r(null, List.of("spec.clusterServiceClass.name==" + Names.escapedName("s2"))), false);
    assertEquals(1, byClass.classesAfter(), "a class left without plans is dropped");
    var namespaced = CatalogFilter.apply(catalog(), r(null, List.of("spec.serviceClass.name==" + Names.escapedName("s2"))), true);
    assertEquals("redis", namespaced.catalog().at("/services/0/name").asText());
  }

  @Test
  void classesAreFilteredFirstAndAllPredicatesMustHold() throws Exception {
    var f = CatalogFilter.apply(catalog(), r(List.of("spec.externalName==mariadb"), List.of("spec.free==true,spec.externalName!=tiny")), false);
    assertEquals(1, f.classesAfter());
    assertEquals(1, f.plansAfter());
    assertEquals("p1", f.catalog().at("/services/0/plans/0/id").asText());
    assertEquals(2, f.classesBefore());
    assertEquals(3, f.plansBefore());
  }

  @Test
  void unknownPropertiesAndBadSyntaxAreRejected() {
    assertThrows(CatalogFilter.InvalidRestrictionException.class,
        () -> CatalogFilter.apply(catalog(), r(List.of("spec.free==true"), null), false), "spec.free is a plan property");
    assertThrows(CatalogFilter.InvalidRestrictionException.class,
        () -> CatalogFilter.apply(catalog(), r(List.of("spec.externalName ~ maria"), null), false));
  }

  @Test
  void entriesThatAreNotObjectsNeverBreakTheFilter() throws Exception {
    // Found by fuzzing: a service or plan that was a number made the filter throw ClassCastException.
    JsonNode odd = Json.MAPPER.readTree("{\"services\":[1,\"x\",null,{\"id\":\"s\",\"name\":\"n\",\"plans\":[2,{\"id\":\"p\",\"name\":\"q\"}]}]}");
    CatalogFilter.Filtered f = CatalogFilter.apply(odd, r(List.of("spec.externalName!=other"), List.of("spec.free==true")), false);
    assertEquals(1, f.classesAfter());
    assertEquals(1, f.plansAfter());
  }
}
