package dev.shears.api;

import dev.shears.api.error.ErrorResponse;
import dev.shears.config.ShearsConfig;
import dev.shears.error.ErrorType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Optional bearer-key authentication for every API endpoint (health and metrics are not API endpoints and
 * stay open). Keys are compared through their SHA-256 digests with {@link MessageDigest#isEqual}, so neither
 * content nor length leaks through timing; keys never reach a log line.
 */
public class ApiKeyFilter {

    @Inject
    ShearsConfig config;

    @Inject
    MeterRegistry registry;

    private List<byte[]> keyDigests;

    @PostConstruct
    void init() {
        keyDigests = config.auth().apiKeys().orElse(List.of()).stream()
                .filter(k -> !k.isBlank())
                .map(ApiKeyFilter::digest)
                .toList();
        if (config.auth().enabled() && keyDigests.isEmpty()) {
            throw new IllegalStateException("shears.auth.enabled=true but shears.auth.api-keys is empty");
        }
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext request) {
        if (!config.auth().enabled() || request.getUriInfo().getPath().startsWith("/q/")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (accepts(header)) {
            return null;
        }
        registry.counter("shears.request.failures", "error_type", ErrorType.UNAUTHORIZED.code()).increment();
        return Response.status(ErrorType.UNAUTHORIZED.status())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(ErrorType.UNAUTHORIZED, "missing or wrong API key: send 'Authorization: Bearer <key>'"))
                .build();
    }

    /** Whether an {@code Authorization} header carries an accepted key (also asked by the gateway's routes). */
    public boolean accepts(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && matches(header.substring(7).strip());
    }

    private boolean matches(String presented) {
        byte[] digest = digest(presented);
        boolean match = false;
        for (byte[] key : keyDigests) {
            match |= MessageDigest.isEqual(digest, key);
        }
        return match;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
