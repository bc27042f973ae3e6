package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Who asked for a change; sent to brokers as the originating identity. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UserInfo {
  @JsonPropertyDescription("The user's name.")
  public String username;
  @JsonPropertyDescription("The user's unique id.")
  public String uid;
  @JsonPropertyDescription("The groups the user belongs to.")
  public List<String> groups;
  @JsonPropertyDescription("Additional information the authenticator provided.")
  public Map<String, List<String>> extra;
}
