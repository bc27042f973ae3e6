package io.servicecatalog.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Latency samples of one step: (completion time since run start, latency), thread-safe. */
final class Samples {

    record Sample(long atMillis, double latencyMillis) {
    }

    private final List<Sample> samples = new ArrayList<>();

    synchronized void add(long atMillis, double latencyMillis) {
        samples.add(new Sample(atMillis, latencyMillis));
    }

    synchronized List<Sample> all() {
        return List.copyOf(samples);
    }

    synchronized int count() {
        return samples.size();
    }

    /** Nearest-rank percentile (p in 0..100) of the latencies; NaN when empty. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double[] sortedLatencies(List<Sample> s) {
        double[] v = s.stream().mapToDouble(Sample::latencyMillis).toArray();
        Arrays.sort(v);
        return v;
    }

    /** count, mean, p50, p95, p99, max (ms). */
    Map<String, Object> summary() {
        List<Sample> s = all();
        double[] v = sortedLatencies(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", v.length);
        m.put("mean_ms", v.length == 0 ? Double.NaN : round(Arrays.stream(v).average().orElse(Double.NaN)));
        m.put("p50_ms", round(percentile(v, 50)));
        m.put("p95_ms", round(percentile(v, 95)));
        m.put("p99_ms", round(percentile(v, 99)));
        m.put("max_ms", v.length == 0 ? Double.NaN : round(v[v.length - 1]));
        return m;
    }

    /** Rounded to 0.01. */
    static double round2(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? d : Math.round(d * 100.0) / 100.0;
    }

    static double round(double d) {
        return Double.isNaN(d) ? d : Math.round(d * 10.0) / 10.0;
    }
}
