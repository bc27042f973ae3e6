package io.servicecatalog.localstack;

/** Exits at once with code 3, like a service that cannot read its configuration. */
public final class FailingMain {

    public static void main(String[] args) {
        System.out.println("boom: cannot start, config key missing");
        System.exit(3);
    }
}
