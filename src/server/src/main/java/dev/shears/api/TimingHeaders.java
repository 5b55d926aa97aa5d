package dev.shears.api;

import dev.shears.service.RequestTimings;
import jakarta.ws.rs.core.Response;
import java.util.Locale;

/** Per-stage timings as response headers ({@code x-inference-time: 12.4}, in milliseconds), as TEI reports them. */
final class TimingHeaders {

    private TimingHeaders() {}

    static Response.ResponseBuilder add(Response.ResponseBuilder response, RequestTimings timings, long startedNanos) {
        timings.millis().forEach((stage, ms) -> response.header("x-" + stage + "-time", format(ms)));
        response.header("x-total-time", format((System.nanoTime() - startedNanos) / 1e6));
        return response;
    }

    private static String format(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }
}
