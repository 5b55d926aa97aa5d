package dev.shears.service;

import dev.shears.config.ShearsConfig;
import dev.shears.inference.Admission;

/** Request-level admission, one instance per kind of work (pruning, the local model), so one cannot starve the other. */
final class Requests {

    private Requests() {}

    /** At most {@code shears.limits.max-concurrent-requests} requests in flight; one more is answered 429 at once. */
    static Admission admission(ShearsConfig config) {
        return new Admission(config.limits().maxConcurrentRequests(), "requests in flight",
                "shears.limits.max-concurrent-requests");
    }
}
