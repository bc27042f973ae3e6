package io.servicecatalog.injector.credentials;

/**
 * An envelope that cannot be opened: altered, sealed with a key this injector does not hold, or
 * malformed. The message says why and never contains any part of the sealed content.
 */
public class EnvelopeRejectedException extends Exception {
  public EnvelopeRejectedException(String message) {
    super(message, null, false, false);
  }
}
