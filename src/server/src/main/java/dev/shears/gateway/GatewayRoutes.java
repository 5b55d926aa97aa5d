package dev.shears.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.api.ApiKeyFilter;
import dev.shears.api.http.HttpErrors;
import dev.shears.config.ShearsConfig;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible gateway: {@code POST /v1/chat/completions} and {@code POST /v1/completions} are pruned by
 * the request's policies ({@link GatewayPolicy}, {@link RequestPruner}) and forwarded to
 * {@code shears.gateway.upstream.url}; {@code GET /v1/models} is relayed. Bodies are read as plain JSON trees, so
 * every field Shears does not act on reaches the upstream untouched; upstream statuses, headers and bodies come
 * back unchanged but for what a policy changed, plus {@code x-shears-tokens-before}/{@code -after}. Vert.x routes
 * rather than Quarkus REST resources, so that a streamed answer is piped through as it arrives.
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "content-length",
            "host", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection", "accept-encoding", "authorization");

    @Inject
    Upstream upstream;

    @Inject
    RequestPruner pruner;

    @Inject
    ChoiceVoting voting;

    @Inject
    GatewayConfig config;

    @Inject
    ShearsConfig shears;

    @Inject
    ApiKeyFilter auth;

    @Inject
    HttpErrors errors;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    void register(@Observes Router router) {
        router.post("/v1/chat/completions").handler(rc -> forward(rc, true));
        router.post("/v1/completions").handler(rc -> forward(rc, false));
        router.get("/v1/models").handler(this::models);
    }

    private boolean admitted(RoutingContext rc) {
        if (upstream.root().isEmpty()) {
            errors.send(rc, ErrorType.MODEL_UNAVAILABLE, "no upstream LLM is configured for the gateway: set shears.gateway.upstream.url"
                    + " to an OpenAI-compatible API root such as http://localhost:8000/v1", false);
            return false;
        }
        if (shears.auth().enabled() && !auth.accepts(rc.request().getHeader(HttpHeaders.AUTHORIZATION))) {
            rc.response().putHeader("WWW-Authenticate", "Bearer");
            errors.send(rc, ErrorType.UNAUTHORIZED, "missing or wrong API key: send 'Authorization: Bearer <key>'", false);
            return false;
        }
        return true;
    }

    private void models(RoutingContext rc) {
        if (admitted(rc)) {
            call(rc, new Upstream.Call(HttpMethod.GET, "/models", headers(rc), null, new AtomicReference<>(), () -> rc.response().closed()),
                    response -> relayWhole(rc, response, null, null));
        }
    }

    private void forward(RoutingContext rc, boolean chat) {
        if (!admitted(rc)) {
            return;
        }
        ObjectNode body;
        GatewayPolicy policy;
        try {
            JsonNode tree = rc.body() == null || rc.body().buffer() == null ? null : json.readTree(rc.body().buffer().getBytes());
            if (!(tree instanceof ObjectNode object)) {
                throw ShearsException.invalid("the request body must be a JSON object (an OpenAI " + (chat ? "chat " : "") + "completions request)");
            }
            body = object;
            policy = GatewayPolicy.resolve(config, body.remove("shears"), rc.request().headers());
        } catch (IOException e) {
            errors.send(rc, ErrorType.INVALID_REQUEST, "the request body is not JSON: " + e.getMessage().lines().findFirst().orElse(""), false);
            return;
        } catch (ShearsException e) {
            errors.send(rc, e.type(), e.getMessage(), false);
            return;
        }
        boolean stream = body.path("stream").asBoolean(false);
        boolean vote = policy.voting() && body.path("n").asInt(1) > 1;
        if (vote && stream) {
            errors.send(rc, ErrorType.INVALID_REQUEST, "voting picks one of n complete choices and cannot stream: send stream false,"
                    + " or turn voting off (shears.voting false)", false);
            return;
        }
        boolean keepLogprobs = body.hasNonNull("logprobs") && !body.get("logprobs").equals(json.getNodeFactory().booleanNode(false));
        if (vote && !keepLogprobs) {
            if (chat) {
                body.put("logprobs", true);
            } else {
                body.put("logprobs", 1);
            }
        }
        String question = policy.question() != null ? policy.question() : "";
        rc.vertx().<List<RequestPruner.Part>>executeBlocking(() -> pruner.prune(body, policy, chat, () -> rc.response().closed()), false)
                .onFailure(failure -> fail(rc, failure))
                .onSuccess(parts -> {
                    if (rc.response().closed()) {
                        errors.disconnected(rc, "request", null);
                        return;
                    }
                    int before = parts.stream().mapToInt(RequestPruner.Part::tokensBefore).sum();
                    int after = parts.stream().mapToInt(RequestPruner.Part::tokensAfter).sum();
                    rc.response().putHeader("x-shears-tokens-before", Integer.toString(before))
                            .putHeader("x-shears-tokens-after", Integer.toString(after));
                    Buffer forwarded = Buffer.buffer(body.toString());
                    AtomicReference<HttpClientRequest> live = new AtomicReference<>();
                    rc.response().closeHandler(closed -> {
                        HttpClientRequest request = live.get();
                        if (request != null && request.reset()) {
                            registry.counter("shears.gateway.cancelled").increment();
                            LOG.debugf("client hung up; cancelled the upstream call of %s", rc.request().path());
                        }
                    });
                    call(rc, new Upstream.Call(HttpMethod.POST, chat ? "/chat/completions" : "/completions", headers(rc), forwarded,
                            live, () -> rc.response().closed()), response -> {
                        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
                        if (stream && type != null && type.startsWith("text/event-stream")) {
                            relayStream(rc, response);
                        } else {
                            relayWhole(rc, response, answer -> {
                                if (vote) {
                                    voting.vote(answer, question, chat, keepLogprobs, () -> rc.response().closed());
                                }
                                if (policy.report()) {
                                    ObjectNode report = answer.withObject("/shears");
                                    report.put("tokens_before", before).put("tokens_after", after);
                                    report.set("parts", json.valueToTree(parts.stream().map(p -> java.util.Map.of("policy", p.policy(),
                                            "where", p.where(), "tokens_before", p.tokensBefore(), "tokens_after", p.tokensAfter())).toList()));
                                }
                                if (policy.echo()) {
                                    answer.withObject("/shears").set("forwarded_request", body);
                                }
                            }, vote || policy.report() || policy.echo() ? body : null);
                        }
                    });
                });
    }

    /** The client's headers for the upstream: all but hop-by-hop ones and Shears' own; the key replaced when configured. */
    private MultiMap headers(RoutingContext rc) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        rc.request().headers().forEach((k, v) -> {
            String name = k.toLowerCase(java.util.Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !name.startsWith("x-shears-")) {
                out.add(k, v);
            }
        });
        String key = config.upstream().apiKey().map(k -> "Bearer " + k).orElse(shears.auth().enabled() ? null : rc.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (key != null) {
            out.set(HttpHeaders.AUTHORIZATION, key);
        }
        return out;
    }

    private void call(RoutingContext rc, Upstream.Call call, java.util.function.Consumer<HttpClientResponse> relay) {
        upstream.send(call).whenComplete((response, failure) -> rc.vertx().runOnContext(v -> {
            if (failure != null) {
                fail(rc, failure);
            } else if (rc.response().closed()) {
                response.request().reset();
            } else {
                registry.counter("shears.gateway.requests", "path", rc.request().path(), "status", Integer.toString(response.statusCode())).increment();
                relay.accept(response);
            }
        }));
    }

    private void relayStream(RoutingContext rc, HttpClientResponse response) {
        HttpServerResponse out = head(rc, response.statusCode(), response.headers()).setChunked(true);
        response.pipeTo(out).onFailure(failure -> {
            if (!out.closed()) {
                LOG.warnf("upstream stream broke off: %s", failure.toString());
                out.reset();
            }
        });
    }

    private void relayWhole(RoutingContext rc, HttpClientResponse response, java.util.function.Consumer<ObjectNode> edit, Object editing) {
        response.body().onFailure(failure -> fail(rc, failure)).onSuccess(body -> {
            Buffer answer = body;
            if (editing != null && response.statusCode() == 200) {
                try {
                    if (json.readTree(body.getBytes()) instanceof ObjectNode object) {
                        edit.accept(object);
                        answer = Buffer.buffer(json.writeValueAsBytes(object));
                    }
                } catch (IOException | RuntimeException e) {
                    registry.counter("shears.gateway.fail.open", "policy", "response").increment();
                    LOG.warnf("could not edit the upstream answer, relaying it unchanged: %s", e.toString());
                }
            }
            head(rc, response.statusCode(), response.headers()).end(answer);
        });
        response.resume(); // Upstream paused it for us
    }

    private static HttpServerResponse head(RoutingContext rc, int status, MultiMap headers) {
        HttpServerResponse out = rc.response().setStatusCode(status);
        headers.forEach((k, v) -> {
            if (!HOP_BY_HOP.contains(k.toLowerCase(java.util.Locale.ROOT)) && !k.equalsIgnoreCase("content-encoding")) {
                out.headers().add(k, v);
            }
        });
        return out;
    }

    private void fail(RoutingContext rc, Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (rc.response().closed() || t instanceof CancellationException) {
            errors.disconnected(rc, "request", t);
        } else if (t instanceof Upstream.StatusException s) {
            registry.counter("shears.gateway.requests", "path", rc.request().path(), "status", Integer.toString(s.status)).increment();
            head(rc, s.status, s.headers).end(s.body);
        } else if (t instanceof ShearsException e) {
            errors.send(rc, e.type(), e.getMessage(), false);
        } else if (t instanceof CircuitBreakerOpenException) {
            rc.response().putHeader("Retry-After", Long.toString(config.upstream().circuitBreaker().delay().toSeconds()));
            errors.send(rc, ErrorType.MODEL_UNAVAILABLE, "the upstream failed too often and its circuit breaker is open;"
                    + " retry later (shears.gateway.upstream.circuit-breaker.delay)", false);
        } else if (t.getClass().getSimpleName().contains("Timeout")) {
            LOG.warnf("upstream timed out: %s", t.getMessage());
            errors.send(rc, ErrorType.TIMEOUT, "the upstream did not answer within " + config.upstream().readTimeout().toMillis()
                    + " ms (shears.gateway.upstream.read-timeout)", false);
        } else {
            LOG.warnf("upstream call failed: %s", t.toString());
            errors.send(rc, ErrorType.UPSTREAM_ERROR, "the upstream could not be reached: " + t.getMessage()
                    + (t instanceof ConnectException ? " (shears.gateway.upstream.url)" : ""), false);
        }
    }
}
