package io.servicecatalog.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/** Writes results.json, results.md and latency.png, and prints the Markdown to stdout. */
final class Report {

    private Report() {
    }

    @SuppressWarnings("unchecked")
    static void write(Path out, Map<String, Object> results, List<Samples.Sample> createReady,
                      List<Samples.Sample> bindSecret) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(out.resolve("results.json"), json.writeValueAsString(results));

        StringBuilder md = new StringBuilder();
        Map<String, Object> mesh = (Map<String, Object>) results.get("mesh");
        Map<String, Object> direct = (Map<String, Object>) results.get("direct");
        Map<String, Object> steps = (Map<String, Object>) mesh.get("steps");
        md.append("## Lifecycle benchmark: broker `").append(results.get("broker")).append("`, ")
                .append(results.get("lifecycles")).append(" lifecycles, concurrency ").append(results.get("concurrency"))
                .append(" (").append(results.get("started_at")).append(")\n\n");
        md.append("| | value |\n|---|---|\n");
        md.append("| mesh lifecycles/s | ").append(mesh.get("lifecycles_per_s")).append(" |\n");
        if (direct != null) {
            md.append("| direct-to-broker lifecycles/s | ").append(direct.get("lifecycles_per_s")).append(" |\n");
            md.append("| mesh / direct | ").append(results.get("mesh_over_direct")).append(" |\n");
        }
        md.append("| errors | ").append(mesh.get("errors")).append(' ').append(mesh.get("errors_by_step")).append(" |\n\n");
        md.append("| step (ms) | count | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Object> e : steps.entrySet()) {
            Map<String, Object> s = (Map<String, Object>) e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(s.get("count")).append(" | ").append(s.get("p50_ms"))
                    .append(" | ").append(s.get("p95_ms")).append(" | ").append(s.get("p99_ms")).append(" | ")
                    .append(s.get("max_ms")).append(" |\n");
        }
        md.append("\n| process | peak RSS (MiB) | CPU total (s) | CPU in measured run (s) |\n|---|---|---|---|\n");
        Map<String, Object> procs = (Map<String, Object>) results.get("processes");
        for (Map.Entry<String, Object> e : procs.entrySet()) {
            Map<String, Object> p = (Map<String, Object>) e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(p.get("peak_rss_mib")).append(" | ")
                    .append(secs(p.get("cpu_ms_total"))).append(" | ").append(secs(p.get("cpu_ms_measured_run")))
                    .append(" |\n");
        }
        Files.writeString(out.resolve("results.md"), md.toString());
        plot(out.resolve("latency.png"), createReady, bindSecret, String.valueOf(results.get("broker")));
        System.out.println();
        System.out.println(md);
        System.out.println("[bench] wrote " + out.resolve("results.json") + ", results.md, latency.png");
    }

    private static String secs(Object ms) {
        return ms instanceof Number n ? String.format(Locale.ROOT, "%.1f", n.doubleValue() / 1000) : "?";
    }

    /** p50/p95/p99 per 1-second bucket (by completion time) of create→Ready and bind→Secret. */
    static void plot(Path file, List<Samples.Sample> createReady, List<Samples.Sample> bindSecret, String broker)
            throws IOException {
        int w = 1000;
        int h = 560;
        int left = 70;
        int right = 200;
        int top = 40;
        int bottom = 50;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);

        Map<Long, double[]> cr = buckets(createReady);
        Map<Long, double[]> bs = buckets(bindSecret);
        long maxSec = 1;
        double maxMs = 10;
        for (Map<Long, double[]> m : List.of(cr, bs)) {
            for (Map.Entry<Long, double[]> e : m.entrySet()) {
                maxSec = Math.max(maxSec, e.getKey() + 1);
                maxMs = Math.max(maxMs, e.getValue()[2]);
            }
        }
        maxMs = niceCeil(maxMs);
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(230, 230, 230));
        for (int i = 0; i <= 5; i++) {
            int y = top + ph - i * ph / 5;
            g.drawLine(left, y, left + pw, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        for (int i = 0; i <= 5; i++) {
            int y = top + ph - i * ph / 5;
            g.drawString(String.format(Locale.ROOT, "%.0f", maxMs * i / 5), 8, y + 4);
        }
        for (int i = 0; i <= 10; i++) {
            int x = left + i * pw / 10;
            double sec = maxSec * i / 10.0;
            g.drawString(sec == Math.rint(sec) ? String.format(Locale.ROOT, "%.0f", sec)
                    : String.format(Locale.ROOT, "%.1f", sec), x - 6, top + ph + 18);
        }
        g.drawString("time since start of measured run (s), 1-s buckets by completion", left + pw / 2 - 180, h - 12);
        g.drawString("latency (ms)", 8, top - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Latency percentiles over time, broker " + broker, left + 120, 24);

        Color[] createColors = {new Color(120, 160, 230), new Color(40, 90, 200), new Color(10, 30, 120)};
        Color[] bindColors = {new Color(240, 170, 110), new Color(220, 100, 30), new Color(140, 40, 0)};
        String[] names = {"p50", "p95", "p99"};
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int legendY = top + 10;
        for (int series = 0; series < 2; series++) {
            Map<Long, double[]> m = series == 0 ? cr : bs;
            Color[] colors = series == 0 ? createColors : bindColors;
            for (int q = 0; q < 3; q++) {
                g.setColor(colors[q]);
                g.setStroke(new BasicStroke(q == 0 ? 2.5f : 1.5f));
                int px = -1;
                int py = -1;
                for (Map.Entry<Long, double[]> e : m.entrySet()) {
                    int x = left + (int) ((e.getKey() + 0.5) * pw / maxSec);
                    int y = top + ph - (int) (Math.min(e.getValue()[q], maxMs) / maxMs * ph);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    g.fillOval(x - 2, y - 2, 5, 5);
                    px = x;
                    py = y;
                }
                g.fillRect(left + pw + 15, legendY - 8, 14, 8);
                g.setColor(Color.BLACK);
                g.drawString((series == 0 ? "create→Ready " : "bind→Secret ") + names[q], left + pw + 35, legendY);
                legendY += 18;
            }
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static Map<Long, double[]> buckets(List<Samples.Sample> samples) {
        Map<Long, List<Samples.Sample>> by = new TreeMap<>();
        for (Samples.Sample s : samples) {
            by.computeIfAbsent(s.atMillis() / 1000, k -> new ArrayList<>()).add(s);
        }
        Map<Long, double[]> out = new TreeMap<>();
        by.forEach((sec, list) -> {
            double[] v = Samples.sortedLatencies(list);
            out.put(sec, new double[]{Samples.percentile(v, 50), Samples.percentile(v, 95), Samples.percentile(v, 99)});
        });
        return out;
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
