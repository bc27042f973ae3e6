package io.servicecatalog.injector.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Everything logged (any level that is enabled) while it is open, formatted with parameters. */
public final class LogCapture extends Handler implements AutoCloseable {
  private final List<String> lines = new ArrayList<>();

  public static LogCapture start() {
    LogCapture capture = new LogCapture();
    capture.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(capture);
    return capture;
  }

  @Override
  public synchronized void publish(LogRecord record) {
    String message = record.getMessage();
    Object[] params = record.getParameters();
    StringBuilder line = new StringBuilder(record.getLoggerName()).append(' ').append(message);
    if (params != null) {
      for (Object p : params) {
        line.append(' ').append(p);
      }
    }
    if (record.getThrown() != null) {
      line.append(' ').append(record.getThrown());
    }
    lines.add(line.toString());
  }

  public synchronized String text() {
    return String.join("\n", lines);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}
