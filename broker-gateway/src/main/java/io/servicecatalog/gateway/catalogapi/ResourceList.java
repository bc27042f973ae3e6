package io.servicecatalog.gateway.catalogapi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/** {@code {"kind":"…List","items":[…]}} as catalog-api lists resources. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ResourceList<T> {
  public String kind;
  public String apiVersion;
  public List<T> items = new ArrayList<>();
  public ListMeta metadata = new ListMeta();

  /** The list's metadata: {@code continue} is set when more pages follow. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class ListMeta {
    public String resourceVersion;
    @com.fasterxml.jackson.annotation.JsonProperty("continue")
    public String continueToken;
  }
}
