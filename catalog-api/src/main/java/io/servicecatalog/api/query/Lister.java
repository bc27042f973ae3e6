package io.servicecatalog.api.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.servicecatalog.api.store.ResourceEntity;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists as kube-apiserver does: in (namespace, name) order, filtered by selectors, in pages of
 * {@code limit} with a {@code continue} token. Pages are read from the database in batches until
 * enough objects match, so a selective selector does not return short pages.
 */
@ApplicationScoped
public class Lister {
  private static final int BATCH = 500;

  @Inject ResourceStore store;

  public record Page(List<JsonNode> items, String resourceVersion, String continueToken) {}

  public Uni<Page> list(ResourceKind kind, String namespace, Selector selector, Integer limit, Cursor from) {
    int want = limit == null || limit <= 0 ? Integer.MAX_VALUE : limit;
    return Panache.withSession(() -> store.currentResourceVersion()
        .flatMap(rv -> collect(kind, namespace, selector, want, from, new ArrayList<>())
            .map(items -> {
              String next = null;
              if (items.size() > want) {
                items.remove(items.size() - 1);
                JsonNode last = items.get(items.size() - 1);
                next = new Cursor(last.at("/metadata/namespace").asText(""), last.at("/metadata/name").asText()).encode();
              }
              return new Page(items, Long.toString(rv), next);
            })));
  }

  private Uni<List<JsonNode>> collect(ResourceKind kind, String namespace, Selector selector, int want,
      Cursor from, List<JsonNode> acc) {
    int batch = (int) Math.min(BATCH, Math.max(1L, (long) want - acc.size() + 1));
    return store.listAfter(kind, namespace, from.namespace(), from.name(), batch).flatMap(rows -> {
      for (ResourceEntity r : rows) {
        JsonNode o = parse(r);
        if (selector.test(o)) {
          acc.add(o);
          if (acc.size() > want) {
            return Uni.createFrom().item(acc);
          }
        }
      }
      if (rows.size() < batch) {
        return Uni.createFrom().item(acc);
      }
      ResourceEntity last = rows.get(rows.size() - 1);
      return collect(kind, namespace, selector, want, new Cursor(last.namespace, last.name), acc);
    });
  }

  public static ObjectNode toList(ResourceKind kind, Page page) {
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("apiVersion", ServiceCatalog.API_VERSION).put("kind", kind.kind() + "List");
    ObjectNode meta = list.putObject("metadata").put("resourceVersion", page.resourceVersion());
    if (page.continueToken() != null) {
      meta.put("continue", page.continueToken());
    }
    ArrayNode items = list.putArray("items");
    page.items().forEach(items::add);
    return list;
  }

  static JsonNode parse(ResourceEntity e) {
    try {
      return Json.MAPPER.readTree(e.body);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
