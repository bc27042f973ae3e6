package io.servicecatalog.bench;

import java.util.Arrays;

/**
 * The jar's entry point: {@code bench.jar scale ...} runs {@link ScaleBenchmark}; anything else
 * ({@code bench.jar --lifecycles ...}, or {@code bench.jar lifecycle ...}) runs
 * {@link LifecycleBenchmark} as before.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("scale")) {
            ScaleBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
        } else if (args.length > 0 && args[0].equals("lifecycle")) {
            LifecycleBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
        } else {
            if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
                System.out.println("""
                        java -jar bench/target/bench.jar [lifecycle] [options]   lifecycle benchmark (the default)
                        java -jar bench/target/bench.jar scale [options]         scale runs (scale --help)
                        """);
            }
            LifecycleBenchmark.main(args);
        }
    }
}
