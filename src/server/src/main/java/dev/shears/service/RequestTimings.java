package dev.shears.service;

import dev.shears.pruning.StageClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Times one request's stages into {@code shears_stage_duration_seconds{endpoint, stage}} and keeps the
 * request's own numbers for its {@code x-*-time} response headers.
 */
public final class RequestTimings implements StageClock {

    private final MeterRegistry registry;
    private final String endpoint;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final BooleanSupplier abandoned;

    RequestTimings(MeterRegistry registry, String endpoint) {
        this(registry, endpoint, () -> false);
    }

    RequestTimings(MeterRegistry registry, String endpoint, BooleanSupplier abandoned) {
        this.registry = registry;
        this.endpoint = endpoint;
        this.abandoned = abandoned;
    }

    @Override
    public boolean abandoned() {
        return abandoned.getAsBoolean();
    }

    @Override
    public <T> T time(String stage, Supplier<T> work) {
        long started = System.nanoTime();
        try {
            return work.get();
        } finally {
            record(stage, System.nanoTime() - started);
        }
    }

    @Override
    public void record(String stage, long elapsed) {
        nanos.merge(stage, elapsed, Long::sum);
        Timer.builder("shears.stage.duration")
                .description("Time spent per request stage")
                .tag("endpoint", endpoint)
                .tag("stage", stage)
                .publishPercentileHistogram()
                .register(registry)
                .record(elapsed, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Milliseconds per stage, in the order the stages ran. */
    public Map<String, Double> millis() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((stage, n) -> out.put(stage, n / 1e6));
        return out;
    }
}
