package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Who asked for a change; sent to brokers as the originating identity. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UserInfo {
  public String username;
  public String uid;
  public List<String> groups;
  public Map<String, List<String>> extra;
}
