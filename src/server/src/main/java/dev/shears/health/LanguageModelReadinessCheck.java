package dev.shears.health;

import dev.shears.service.LocalLanguageModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the local language model: UP with {@code configured=false} when none is configured (the service
 * works without one), otherwise UP only after its warm-up score and generation have run.
 */
@Readiness
@ApplicationScoped
public class LanguageModelReadinessCheck implements HealthCheck {

    @Inject
    LocalLanguageModel local;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("local-language-model").withData("configured", local.configured());
        if (!local.configured()) {
            return response.up().build();
        }
        if (!local.ready()) {
            return response.down().build();
        }
        return response.up()
                .withData("id", local.require().model().id())
                .withData("context_length", local.require().model().contextLength())
                .withData("warmup_ms", local.warmupMillis())
                .build();
    }
}
