package dev.shears.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The inspector page lives in {@code META-INF/resources/inspector/} and is served as a static resource at
 * {@code /inspector/}; {@code /inspector} redirects there so that the page's relative links (its script, its style
 * and the API under {@code ../v1/}) resolve.
 */
@ApplicationScoped
public class InspectorRoute {

    void register(@Observes Router router) {
        router.get("/inspector").handler(rc -> rc.redirect("inspector/"));
    }
}
