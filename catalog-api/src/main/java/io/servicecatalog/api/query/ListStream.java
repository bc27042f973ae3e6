package io.servicecatalog.api.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;

/**
 * Writes a list (or its Table rendering) as its pages arrive: the envelope with the first page,
 * each page's items as one chunk, the closing brackets last. The JSON is that of
 * {@link Lister#toList} and {@link Tables#table}; only the order of building it differs.
 */
public final class ListStream {
  private final ResourceKind kind;
  private final boolean table;
  /** A list without limit: its pages are internal, and the envelope has no continue token. */
  private final boolean whole;
  private boolean started;
  private boolean anyItem;

  private ListStream(ResourceKind kind, boolean table, boolean whole) {
    this.kind = kind;
    this.table = table;
    this.whole = whole;
  }

  public static Multi<Buffer> encode(ResourceKind kind, boolean table, boolean whole, Multi<Lister.Page> pages) {
    ListStream s = new ListStream(kind, table, whole);
    return pages.map(s::page).onCompletion().continueWith(() -> List.of(s.end()));
  }

  private Buffer page(Lister.Page page) {
    Buffer out = Buffer.buffer();
    if (!started) {
      started = true;
      String array = table ? "rows" : "items";
      String continueToken = whole ? null : page.continueToken();
      ObjectNode head = table
          ? Tables.table(kind, List.of(), page.resourceVersion(), continueToken)
          : Lister.toList(kind, new Lister.Page(List.of(), page.resourceVersion(), continueToken));
      head.remove(array);
      String json = head.toString();
      out.appendString(json.substring(0, json.length() - 1)).appendString(",\"" + array + "\":[");
    }
    if (table) {
      Instant now = Instant.now();
      for (JsonNode row : Tables.rows(kind, page.parsedItems(), now)) {
        separate(out);
        out.appendString(row.toString());
      }
    } else {
      for (String body : page.items()) {
        separate(out);
        out.appendString(body);
      }
    }
    return out;
  }

  private void separate(Buffer out) {
    if (anyItem) {
      out.appendString(",");
    }
    anyItem = true;
  }

  private Buffer end() {
    return Buffer.buffer("]}");
  }
}
