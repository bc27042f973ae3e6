package io.servicecatalog.gateway.osb;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read up to a limit. Past the limit the subscription is cancelled (the JDK
 * client then drops the connection) and the body is reported as too large instead of being
 * buffered: a broker streaming without end costs at most {@code limit} bytes of memory. A
 * Content-Length above the limit is refused before any byte is read.
 */
public final class LimitedBody {
  /** The bytes read, or {@code tooLarge} with none. */
  public record Body(byte[] bytes, boolean tooLarge) {
    static final Body TOO_LARGE = new Body(new byte[0], true);
  }

  private LimitedBody() {}

  public static HttpResponse.BodyHandler<Body> handler(long limit) {
    return info -> {
      long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1L);
      if (declared > limit) {
        return new Subscriber(0, true);
      }
      return new Subscriber(limit, false);
    };
  }

  static final class Subscriber implements HttpResponse.BodySubscriber<Body> {
    private final long limit;
    private final boolean refuse;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    Subscriber(long limit, boolean refuse) {
      this.limit = limit;
      this.refuse = refuse;
    }

    @Override
    public CompletionStage<Body> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (refuse) {
        s.cancel();
        result.complete(Body.TOO_LARGE);
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (buffer.size() + (long) b.remaining() > limit) {
          subscription.cancel();
          buffer.reset();
          result.complete(Body.TOO_LARGE);
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        buffer.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new Body(buffer.toByteArray(), false));
    }
  }
}
