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
}
