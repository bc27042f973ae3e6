package io.servicecatalog.api;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Every catalog-api test authenticates as the test admin (src/test/resources/test-tokens.csv: an
 * admin that may also forward X-Remote-* identities) unless its class is marked
 * {@link NoDefaultCredentials}: the tests that prove refusals send exactly the credentials they mean.
 * A RestAssured filter rather than a default request specification, which would also fix the port.
 */
public class TestCredentials implements QuarkusTestBeforeEachCallback {
  public static final String ADMIN_TOKEN = "test-admin-token";
  public static final String AUTHORIZATION = "Bearer " + ADMIN_TOKEN;

  private static volatile boolean enabled = true;
  private static final Filter ADMIN = (request, response, ctx) -> {
    if (enabled && !request.getHeaders().hasHeaderWithName("Authorization")) {
      request.header("Authorization", AUTHORIZATION);
    }
    return ctx.next(request, response);
  };

  /** The class's requests carry no credentials unless they add them. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface NoDefaultCredentials {}

  @Override
  public void beforeEach(QuarkusTestMethodContext context) {
    boolean none = false;
    for (var a : context.getTestInstance().getClass().getAnnotations()) {
      none |= a.annotationType().getName().equals(NoDefaultCredentials.class.getName());
    }
    enabled = !none;
    synchronized (TestCredentials.class) {
      if (!RestAssured.filters().contains(ADMIN)) {
        RestAssured.filters(ADMIN);
      }
    }
  }
}
