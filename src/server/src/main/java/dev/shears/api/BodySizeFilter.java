package dev.shears.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.api.error.ErrorResponse;
import dev.shears.config.ShearsConfig;
import dev.shears.error.ErrorType;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;

/**
 * Refuses a body whose declared length is over {@code shears.limits.max-body-bytes} before it is read, with
 * the usual error body. (A chunked body with no length is stopped by Quarkus' own
 * {@code quarkus.http.limits.max-body-size} backstop.)
 */
@ApplicationScoped
public class BodySizeFilter {

    @Inject
    ShearsConfig config;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    void check(RoutingContext rc) {
        String length = rc.request().getHeader("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            long maxBodyBytes = config.limits().maxBodyBytes();
            if (declared > maxBodyBytes) {
                ErrorType type = ErrorType.PAYLOAD_TOO_LARGE;
                String body;
                try {
                    body = json.writeValueAsString(ErrorResponse.of(type, "request body of " + declared
                            + " bytes is over the limit of " + maxBodyBytes + " bytes (shears.limits.max-body-bytes)"));
                } catch (Exception e) {
                    body = "{\"error\":\"request body too large\",\"error_type\":\"payload_too_large\",\"status\":413}";
                }
                rc.response().setStatusCode(type.status()).putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close").end(body);
                return;
            }
        }
        rc.next();
    }
}
