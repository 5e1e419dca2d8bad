package io.changeviews.job.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a running job's metrics from the Flink REST API (the local MiniCluster's Web UI port),
 * summed or maxed over subtasks.
 */
public final class JobMetrics {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;

    public JobMetrics(int restPort, String jobId) {
        this.base = "http://localhost:" + restPort + "/jobs/" + jobId;
    }

    /**
     * The sum over all subtasks of every metric whose name ends with {@code suffix}; 0 when none
     * reports yet.
     */
    public double sum(String suffix) throws IOException, InterruptedException {
        return aggregate(suffix, "sum");
    }

    /**
     * The largest value over all subtasks of every metric whose name ends with {@code suffix}; NaN
     * when none reports yet.
     */
    public double max(String suffix) throws IOException, InterruptedException {
        double v = aggregate(suffix, "max");
        return v == Double.NEGATIVE_INFINITY ? Double.NaN : v;
    }

    private double aggregate(String suffix, String agg) throws IOException, InterruptedException {
        double result = agg.equals("sum") ? 0 : Double.NEGATIVE_INFINITY;
        for (JsonNode vertex : get("").path("vertices")) {
            String metrics = base + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            List<String> names = new ArrayList<>();
            for (JsonNode m : get(metrics.substring(base.length()))) {
                if (m.path("id").asText().endsWith(suffix)) {
                    names.add(m.path("id").asText());
                }
            }
            if (names.isEmpty()) {
                continue;
            }
            String query =
                    "?agg="
                            + agg
                            + "&get="
                            + URLEncoder.encode(String.join(",", names), StandardCharsets.UTF_8);
            for (JsonNode m : get(metrics.substring(base.length()) + query)) {
                double v = m.path(agg).asDouble();
                result = agg.equals("sum") ? result + v : Math.max(result, v);
            }
        }
        return result;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }
}
