package dev.shears.service;

import dev.shears.config.LanguageModelConfig;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoringRequest;
import dev.shears.runtime.lm.OnnxCausalLm;
import dev.shears.runtime.lm.OnnxCausalLmOptions;
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
 * directory stops the service with one clear message), runs a warm-up score and generation, and only then
 * reports ready. Without a location there is no local model and {@link #require()} answers 503.
 */
@Startup
@ApplicationScoped
public class LocalLanguageModel {

    private static final Logger LOG = Logger.getLogger(LocalLanguageModel.class);

    static final String HOW_TO_CONFIGURE = "no local language model is configured: set shears.lm.location"
            + " (environment SHEARS_LM_LOCATION) to a directory holding an Optimum causal-LM export"
            + " (decoder_model.onnx, tokenizer.json, config.json); see models/README.md";

    @Inject
    LanguageModelConfig config;

    private OnnxCausalLm model;
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
        model = OnnxCausalLm.open(Path.of(location.get()), options(config));
        LOG.infof("local language model '%s' loaded from %s in %d ms (context %d tokens, KV cache %s)", model.id(),
                location.get(), (System.nanoTime() - started) / 1_000_000, model.contextLength(), model.usesKvCache());
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
        model.score(List.of(new ScoringRequest("Shears", " warms up.")));
        model.sample(SamplingRequest.greedy("Shears", 2));
        warmupMillis = (System.nanoTime() - started) / 1_000_000;
        ready = true;
        LOG.infof("local language model '%s' warmed up in %d ms; ready", model.id(), warmupMillis);
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

    /** The loaded, warmed-up model, or a 503 saying how to configure one. */
    public OnnxCausalLm require() {
        if (model == null) {
            throw new ShearsException(ErrorType.MODEL_UNAVAILABLE, HOW_TO_CONFIGURE);
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
