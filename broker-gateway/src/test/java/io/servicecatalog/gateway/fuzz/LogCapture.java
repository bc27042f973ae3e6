package io.servicecatalog.gateway.fuzz;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Watches every log record of the application while installed (a handler on the root logger)
 * and keeps those whose text contains a marker (credential canaries) or that match a filter.
 */
final class LogCapture extends Handler {
  private final String marker;
  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final List<String> matching = new CopyOnWriteArrayList<>();
  private final java.util.function.Predicate<LogRecord> watch;

  private LogCapture(String marker, java.util.function.Predicate<LogRecord> watch) {
    this.marker = marker;
    this.watch = watch;
  }

  static LogCapture install(String marker) {
    return install(marker, r -> false);
  }

  static LogCapture install(String marker, java.util.function.Predicate<LogRecord> watch) {
    LogCapture c = new LogCapture(marker, watch);
    Logger.getLogger("").addHandler(c);
    return c;
  }

  void uninstall() {
    Logger.getLogger("").removeHandler(this);
  }

  List<String> leaks() {
    return leaks;
  }

  /** Records the filter matched, as text. */
  List<String> matching() {
    return matching;
  }

  static String text(LogRecord r) {
    String msg = r instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage();
    StringBuilder sb = new StringBuilder(r.getLoggerName() + ": " + msg);
    for (Throwable t = r.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      sb.append(" | ").append(t);
    }
    return sb.toString();
  }

  @Override
  public void publish(LogRecord r) {
    String text = text(r);
    if (text.contains(marker)) {
      leaks.add(text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }
    if (watch.test(r)) {
      matching.add(text.length() > 500 ? text.substring(0, 500) + "..." : text);
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
