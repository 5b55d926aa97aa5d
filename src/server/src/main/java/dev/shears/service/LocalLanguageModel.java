package dev.shears.service;

import dev.shears.config.LanguageModelConfig;
import dev.shears.config.ShearsConfig;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.inference.WorkQueue;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelQueue;
import dev.shears.lm.SamplingRequest;
import dev.shears.onnx.lm.OnnxCausalLm;
import dev.shears.onnx.lm.OnnxCausalLmOptions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Owns the locally hosted language model ({@code shears.lm.location}): opens it at start-up (a broken
 * directory stops the service with one clear message), puts it behind a bounded queue
 * ({@code shears.lm.max-queued-calls}), runs a warm-up score and generation through that queue, the path requests
 * take, and only then reports ready. Without a location there is no local model and {@link #require()} answers 503.
 */
@Startup
@ApplicationScoped
public class LocalLanguageModel {

    private static final Logger LOG = Logger.getLogger(LocalLanguageModel.class);

    static final String HOW_TO_CONFIGURE = "no local language model is configured: set shears.lm.location"
            + " (environment SHEARS_LM_LOCATION) to a directory holding an Optimum causal-LM export"
            + " (decoder_model.onnx, tokenizer.json, config.json); see models/README.md";

    static final String REMOTE_IS_NOT_LOCAL = "; the remote model of shears.lm.remote.url (%s) is used by Shears'"
            + " own features, not served again under /local/v1: call it directly";

    @Inject
    LanguageModelConfig config;

    @Inject
    ShearsConfig shears;

    @Inject
    MeterRegistry registry;

    private LanguageModelQueue model;
    private volatile boolean ready;
    private volatile long warmupMillis;

    @PostConstruct
    void load() {
        Optional<String> location = config.location().filter(s -> !s.isBlank());
        if (location.isEmpty()) {
            LOG.info("no local language model (shears.lm.location unset); /local/v1/* answers 503");
            return;
        }
        long started = System.nanoTime();
        OnnxCausalLm onnx = OnnxCausalLm.open(Path.of(location.get()), options(config));
        LOG.infof("local language model '%s' loaded from %s in %d ms (context %d tokens, KV cache %s)", onnx.id(),
                location.get(), (System.nanoTime() - started) / 1_000_000, onnx.contextLength(), onnx.usesKvCache());
        model = new LanguageModelQueue(onnx, config.maxQueuedCalls(), "shears.lm.max-queued-calls");
        registry.gauge("shears.lm.queue.calls", model.queue(), WorkQueue::queued);
        FunctionCounter.builder("shears.lm.queue.dropped.calls", model.queue(), WorkQueue::dropped)
                .description("language-model calls never run: their request timed out or its client hung up").register(registry);
        warmUp();
    }

    static OnnxCausalLmOptions options(LanguageModelConfig config) {
        return OnnxCausalLmOptions.defaults()
                .withIntraOpThreads(config.intraOpThreads())
                .withCuda("cuda".equalsIgnoreCase(config.device()))
                .withContextLength(config.contextLength());
    }

    /** One score and one short greedy generation, so the first request does not pay for ORT's lazy set-up. */
    private void warmUp() {
        long started = System.nanoTime();
        LanguageModel lm = model.forRequest(shears.limits().requestTimeout(), () -> false);
        lm.scorePrompts(List.of("Shears warms up."));
        lm.sample(SamplingRequest.greedy("Shears", 2));
        warmupMillis = (System.nanoTime() - started) / 1_000_000;
        ready = true;
        LOG.infof("local language model '%s' warmed up in %d ms; ready", model.model().id(), warmupMillis);
    }

    /** True when a location is configured. */
    public boolean configured() {
        return model != null;
    }

    public boolean ready() {
        return ready;
    }

    public long warmupMillis() {
        return warmupMillis;
    }

    /** The loaded, warmed-up model behind its queue, or a 503 saying how to configure one. */
    public LanguageModelQueue require() {
        if (model == null) {
            String remote = RemoteLanguageModelSource.options(config.remote())
                    .map(o -> String.format(REMOTE_IS_NOT_LOCAL, o.baseUrl())).orElse("; no remote model (shears.lm.remote.url) is set either");
            throw new ShearsException(ErrorType.MODEL_UNAVAILABLE, HOW_TO_CONFIGURE + remote);
        }
        if (!ready) {
            throw new ShearsException(ErrorType.MODEL_UNAVAILABLE, "the local language model is still loading; retry"
                    + " when /q/health/ready is UP");
        }
        return model;
    }

    @PreDestroy
    void close() {
        ready = false;
        if (model != null) {
            model.close();
        }
    }
}
