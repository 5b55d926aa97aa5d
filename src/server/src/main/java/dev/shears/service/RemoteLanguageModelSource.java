package dev.shears.service;

import dev.shears.config.LanguageModelConfig;
import dev.shears.lm.LanguageModel;
import dev.shears.client.openai.OpenAiCompatibleLanguageModel;
import dev.shears.client.openai.RemoteOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Optional;

/**
 * The remote OpenAI-compatible language model configured under {@code shears.lm.remote.*}, for features that
 * score or sample through a server (vLLM, or another Shears at {@code http://host:8080/local}). Created on first
 * use; absent when {@code shears.lm.remote.url} is unset.
 */
@ApplicationScoped
public class RemoteLanguageModelSource {

    @Inject
    LanguageModelConfig config;

    private volatile Optional<LanguageModel> model;

    public Optional<LanguageModel> model() {
        Optional<LanguageModel> m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) {
                    model = options(config.remote()).map(OpenAiCompatibleLanguageModel::new);
                }
                m = model;
            }
        }
        return m;
    }

    /** Client options from the configuration, or empty when no URL is set. */
    public static Optional<RemoteOptions> options(LanguageModelConfig.Remote remote) {
        return remote.url().filter(u -> !u.isBlank()).map(url -> new RemoteOptions(URI.create(url), remote.model(),
                remote.apiKey().orElse(null), remote.connectTimeout(), remote.readTimeout(), remote.maxRetries(),
                remote.initialBackoff(), remote.contextLength(), remote.promptLogprobs()));
    }

    @PreDestroy
    void close() {
        if (model != null) {
            model.ifPresent(LanguageModel::close);
        }
    }
}
