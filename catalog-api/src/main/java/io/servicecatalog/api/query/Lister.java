package io.servicecatalog.api.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Lists as kube-apiserver does: in (namespace, name) order, filtered by selectors, in pages of
 * {@code limit} with a {@code continue} token. Pages are read from the database in batches until
 * enough objects match, so a selective selector does not return short pages; label equality terms
 * are narrowed in the database first. Stored bodies go out as stored: an object is parsed only
 * when a selector has to look into it.
 */
@ApplicationScoped
public class Lister {
  private static final int BATCH = 500;

  @Inject ResourceStore store;

  /**
   * Objects per database read of a list without {@code limit}: such a list is answered page by
   * page as it is read, never held whole (100k instances are 104 MiB of JSON, more than the heap).
   */
  @ConfigProperty(name = "servicecatalog.list.stream-page-size", defaultValue = "500")
  int streamPageSize;

  /** {@code items}: the objects' JSON as stored. */
  public record Page(List<String> items, String resourceVersion, String continueToken) {
    /** The items as trees, for renderings that need to look into them (Table). */
    public List<JsonNode> parsedItems() {
      return items.stream().map(Lister::parse).toList();
    }
  }

  public Uni<Page> list(ResourceKind kind, String namespace, Selector selector, Integer limit, Cursor from) {
    int want = limit == null || limit <= 0 ? Integer.MAX_VALUE : limit;
    String labels = selector.labelContainment();
    return Panache.withSession(() -> store.currentResourceVersion()
        .flatMap(rv -> collect(kind, namespace, selector, labels, want, from, new ArrayList<>())
            .map(rows -> {
              String next = null;
              if (rows.size() > want) {
                rows.remove(rows.size() - 1);
                ResourceStore.Listed last = rows.get(rows.size() - 1);
                next = new Cursor(last.namespace(), last.name()).encode();
              }
              List<String> items = new ArrayList<>(rows.size());
              rows.forEach(r -> items.add(r.body()));
              return new Page(items, Long.toString(rv), next);
            })));
  }

  /**
   * The pages of a list: one page of {@code limit} objects when a limit is given, else every
   * object in pages read one after the other, each when the previous one has been written out.
   * As with kube-apiserver's own paging, an object changed while the list is read may show its
   * newer version; a watch from the list's resourceVersion (that of the first page) sees every
   * change after it.
   */
  public Multi<Page> pages(ResourceKind kind, String namespace, Selector selector, Integer limit, Cursor from) {
    if (limit != null && limit > 0) {
      return list(kind, namespace, selector, limit, from).toMulti();
    }
    // Later pages are read from write-completion callbacks: back on the request's context, where
    // the reactive session lives.
    Context context = Vertx.currentContext();
    AtomicReference<Cursor> next = new AtomicReference<>(from);
    return Multi.createBy().repeating()
        .uni(() -> onContext(context, () -> list(kind, namespace, selector, streamPageSize, next.get())))
        .whilst(page -> {
          next.set(page.continueToken() == null ? null : Cursor.decode(page.continueToken()));
          return page.continueToken() != null;
        });
  }

  private static <T> Uni<T> onContext(Context context, java.util.function.Supplier<Uni<T>> work) {
    if (context == null) {
      return Uni.createFrom().deferred(work::get);
    }
    return Uni.createFrom().emitter(e -> context.runOnContext(v -> work.get().subscribe().with(e::complete, e::fail)));
  }

  private Uni<List<ResourceStore.Listed>> collect(ResourceKind kind, String namespace, Selector selector,
      String labels, int want, Cursor from, List<ResourceStore.Listed> acc) {
    int batch = (int) Math.min(BATCH, Math.max(1L, (long) want - acc.size() + 1));
    return store.listAfter(kind, namespace, from.namespace(), from.name(), labels, batch).flatMap(rows -> {
      for (ResourceStore.Listed r : rows) {
        if (selector.matchesEverything() || selector.test(parse(r.body()))) {
          acc.add(r);
          if (acc.size() > want) {
            return Uni.createFrom().item(acc);
          }
        }
      }
      if (rows.size() < batch) {
        return Uni.createFrom().item(acc);
      }
      ResourceStore.Listed last = rows.get(rows.size() - 1);
      return collect(kind, namespace, selector, labels, want, new Cursor(last.namespace(), last.name()), acc);
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
    // Stored bodies are JSON written by our own mapper: they go out verbatim.
    page.items().forEach(body -> items.addRawValue(new RawValue(body)));
    return list;
  }

  static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
