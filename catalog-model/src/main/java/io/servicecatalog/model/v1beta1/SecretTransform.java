package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One step reshaping the credentials before they are written to the Secret; one member set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretTransform {
  public RenameKey renameKey;
  public AddKey addKey;
  public AddKeysFrom addKeysFrom;
  public RemoveKey removeKey;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RenameKey {
    public String from;
    public String to;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AddKey {
    public String key;
    /** Base64 bytes, as in a Secret's data. */
    public String value;
    public String stringValue;
    public String jsonPathExpression;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AddKeysFrom {
    public ObjectReference secretRef;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RemoveKey {
    public String key;
  }
}
