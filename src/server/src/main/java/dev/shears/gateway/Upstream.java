package dev.shears.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The upstream OpenAI-compatible server. Called with Vert.x's own HTTP client rather than the JDK's: it runs on the
 * event loop that serves the client, so a streamed answer is relayed chunk by chunk as each arrives, with
 * back-pressure and no thread held per stream, and {@link HttpClientRequest#reset()} cancels a call at once when
 * its client hangs up. The connect timeout is the client's; the read timeout is the request's idle timeout (the
 * longest silence, before the answer or between chunks).
 * <p>
 * Each call goes through a SmallRye Fault Tolerance {@link TypedGuard}: bounded retries with doubling delays on a 429
 * or 5xx answer only, and a circuit breaker over the attempts. The guarded call ends with the answer's status line
 * and headers; its body is read only afterwards, so a stream that has started is never retried. The body of a
 * retryable answer that is final after the retries reaches the client unchanged ({@link StatusException}).
 */
@ApplicationScoped
public class Upstream {

    private static final Logger LOG = Logger.getLogger(Upstream.class);

    /** A 429 or 5xx answer, read whole: retried, and passed through unchanged when retries are exhausted. */
    public static final class StatusException extends RuntimeException {
        public final int status;
        public final MultiMap headers;
        public final Buffer body;

        StatusException(int status, MultiMap headers, Buffer body) {
            super("upstream answered " + status, null, false, false);
            this.status = status;
            this.headers = headers;
            this.body = body;
        }
    }

    /** One call: the path after the upstream root, its headers and body (null for none), and where the live request is kept for cancelling. */
    public record Call(HttpMethod method, String path, MultiMap headers, Buffer body,
            AtomicReference<HttpClientRequest> live, BooleanSupplier abandoned) {}

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    private HttpClient client;
    private TypedGuard<CompletionStage<HttpClientResponse>> guard;

    @PostConstruct
    void init() {
        GatewayConfig.Upstream u = config.upstream();
        client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) u.connectTimeout().toMillis())
                .setMaxPoolSize(64)
                .setKeepAlive(true));
        GatewayConfig.CircuitBreaker cb = u.circuitBreaker();
        guard = TypedGuard.create(new TypeLiteral<CompletionStage<HttpClientResponse>>() {})
                .withDescription("shears-gateway-upstream")
                .withRetry()
                    .maxRetries(u.maxRetries())
                    .delay(u.retryDelay().toMillis(), ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS)
                    .retryOn(StatusException.class)
                    .withExponentialBackoff().factor(2).done()
                    .beforeRetry(failure -> {
                        registry.counter("shears.gateway.upstream.retries").increment();
                        LOG.warnf("upstream %s; retrying", failure.getMessage());
                    })
                    .done()
                .withCircuitBreaker()
                    .requestVolumeThreshold(cb.requestVolume())
                    .failureRatio(cb.failureRatio())
                    .delay(cb.delay().toMillis(), ChronoUnit.MILLIS)
                    .skipOn(CancellationException.class)
                    .onStateChange(state -> {
                        registry.counter("shears.gateway.circuit.transitions", "state", state.name().toLowerCase()).increment();
                        LOG.warnf("upstream circuit breaker is now %s", state);
                    })
                    .onPrevented(() -> registry.counter("shears.gateway.circuit.refused").increment())
                    .done()
                .build();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public Optional<URI> root() {
        return config.upstream().url();
    }

    /** The answer's status and headers, its body paused for the caller to read or relay. */
    public CompletionStage<HttpClientResponse> send(Call call) {
        return guard.get(() -> attempt(call));
    }

    private CompletionStage<HttpClientResponse> attempt(Call call) {
        if (call.abandoned().getAsBoolean()) {
            return Future.<HttpClientResponse>failedFuture(new CancellationException("the client hung up")).toCompletionStage();
        }
        String root = root().orElseThrow().toString().replaceAll("/+$", "");
        RequestOptions options = new RequestOptions()
                .setMethod(call.method())
                .setAbsoluteURI(root + call.path())
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(call.headers()))
                .setIdleTimeout(config.upstream().readTimeout().toMillis());
        return client.request(options)
                .compose(request -> {
                    call.live().set(request);
                    return call.body() == null ? request.send() : request.send(call.body());
                })
                .compose(response -> {
                    int status = response.statusCode();
                    if (status == 429 || status >= 500) {
                        return response.body().compose(body -> Future.failedFuture(new StatusException(status, response.headers(), body)));
                    }
                    response.pause(); // on this event-loop turn, before any body chunk: the caller reads or relays it
                    return Future.succeededFuture(response);
                })
                .toCompletionStage();
    }
}
