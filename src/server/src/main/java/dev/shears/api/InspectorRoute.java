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
        // a Vert.x path matches with or without its trailing slash; /inspector/ goes on to the static index.html
        router.get("/inspector").handler(rc -> {
            if (rc.request().path().endsWith("/")) {
                rc.next();
            } else {
                rc.redirect("inspector/");
            }
        });
    }
}
