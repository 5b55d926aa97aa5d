package dev.shears.service;

import dev.shears.config.ShearsConfig;
import dev.shears.inference.Admission;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Request-level admission: at most {@code shears.limits.max-concurrent-requests} requests in flight per kind of
 * work, one more answered 429 at once. Pruning and the local language model are counted apart, so one cannot
 * starve the other.
 */
@ApplicationScoped
public class RequestAdmission {

    @Inject
    ShearsConfig config;

    private Admission pruning;
    private Admission languageModel;

    @PostConstruct
    void init() {
        pruning = inFlight();
        languageModel = inFlight();
    }

    private Admission inFlight() {
        return new Admission(config.limits().maxConcurrentRequests(), "requests in flight",
                "shears.limits.max-concurrent-requests");
    }

    /** Context pruning and reranking. */
    public Admission pruning() {
        return pruning;
    }

    /** The local language model's endpoints. */
    public Admission languageModel() {
        return languageModel;
    }
}
