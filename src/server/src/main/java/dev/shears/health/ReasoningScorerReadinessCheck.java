package dev.shears.health;

import dev.shears.service.ReasoningScorers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Reports the reasoning-step scorer: which one is chosen, and UP once it can take requests. */
@Readiness
@ApplicationScoped
public class ReasoningScorerReadinessCheck implements HealthCheck {

    @Inject
    ReasoningScorers scorers;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("reasoning-scorer")
                .withData("scorer", scorers.choice().name().toLowerCase(Locale.ROOT))
                .status(scorers.ready())
                .build();
    }
}
