package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One step reshaping the credentials before they are written to the Secret; one member set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretTransform {
  @JsonPropertyDescription("Renames a key.")
  public RenameKey renameKey;
  @JsonPropertyDescription(
      "Adds a key; its value is the first set of jsonPathExpression, stringValue and value.")
  public AddKey addKey;
  @JsonPropertyDescription("Adds every key of another Secret.")
  public AddKeysFrom addKeysFrom;
  @JsonPropertyDescription("Removes a key.")
  public RemoveKey removeKey;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RenameKey {
    @JsonPropertyDescription("The key to rename.")
    public String from;
    @JsonPropertyDescription("Its new name.")
    public String to;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AddKey {
    @JsonPropertyDescription("The key to add.")
    public String key;
    /** Base64 bytes, as in a Secret's data. */
    @JsonPropertyDescription("The value as base64-encoded bytes.")
    public String value;
    @JsonPropertyDescription("The value as text.")
    public String stringValue;
    @JsonPropertyDescription("A JSONPath template over the credentials, e.g. {.host}:{.port}.")
    public String jsonPathExpression;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AddKeysFrom {
    @JsonPropertyDescription("The Secret whose keys are added.")
    public ObjectReference secretRef;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RemoveKey {
    @JsonPropertyDescription("The key to remove.")
    public String key;
  }
}
