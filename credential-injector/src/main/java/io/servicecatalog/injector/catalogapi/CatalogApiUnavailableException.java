package io.servicecatalog.injector.catalogapi;

/** catalog-api could not give a trustworthy answer (unreachable, 5xx, unexpected body). */
public class CatalogApiUnavailableException extends Exception {
  public CatalogApiUnavailableException(String message) {
    super(message, null, false, false);
  }
}
