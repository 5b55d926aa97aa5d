package dev.shears.health;

import dev.shears.service.ShearsModels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the model is loaded, its checksum verified and warm-up inference has run. */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    @Inject
    ShearsModels models;

    @Override
    public HealthCheckResponse call() {
        if (!models.ready()) {
            return HealthCheckResponse.named("model").down().build();
        }
        return HealthCheckResponse.named("model").up()
                .withData("id", models.encoder().manifest().id())
                .withData("sha256", models.encoder().checksum())
                .withData("warmup_ms", models.warmupMillis())
                .withData("fused_layer_norms", models.encoder().fusedLayerNorms())
                .build();
    }
}
