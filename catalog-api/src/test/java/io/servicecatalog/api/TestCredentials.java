package io.servicecatalog.api;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Every catalog-api test authenticates as the test admin (src/test/resources/test-tokens.csv: an
 * admin that may also forward X-Remote-* identities) unless its class is marked
 * {@link NoDefaultCredentials}: the tests that prove refusals send exactly the credentials they mean.
 */
public class TestCredentials implements QuarkusTestBeforeEachCallback {
  public static final String ADMIN_TOKEN = "test-admin-token";
  public static final String AUTHORIZATION = "Bearer " + ADMIN_TOKEN;

  /** The class's requests carry no credentials unless they add them. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface NoDefaultCredentials {}

  @Override
  public void beforeEach(QuarkusTestMethodContext context) {
    Class<?> test = context.getTestInstance().getClass();
    boolean none = false;
    for (var a : test.getAnnotations()) {
      none |= a.annotationType().getName().equals(NoDefaultCredentials.class.getName());
    }
    RestAssured.requestSpecification = none ? null
        : new RequestSpecBuilder().addHeader("Authorization", AUTHORIZATION).build();
  }
}
