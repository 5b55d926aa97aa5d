package dev.shears.api;

import dev.shears.api.dto.PruneRequest;
import dev.shears.api.dto.PruneResponse;
import dev.shears.config.ShearsConfig;
import dev.shears.service.ContextPruningService;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code POST /v1/context/prune}: query-aware pruning of retrieved passages. */
@Path("/v1/context/prune")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ContextPruneResource {

    @Inject
    ContextPruningService service;

    @Inject
    ShearsConfig config;

    private RequestLimits limits;

    @PostConstruct
    void init() {
        limits = new RequestLimits(config.limits());
    }

    @POST
    @Operation(summary = "Prune passages to the sentences that matter for the query",
            description = "Scores every sentence against the query and keeps those above the threshold. pruned_text holds"
                    + " exact substrings of each input text in their original order; scores and character spans of every"
                    + " sentence are returned for inspection.")
    public Response prune(PruneRequest request, @Context HttpServerRequest http) {
        long started = System.nanoTime();
        PruneRequestReader.Input input = PruneRequestReader.read(request, limits);
        ContextPruningService.Timed timed = service.prune(ContextPruningService.CONTEXT_PRUNE, input.query(), input.documents(), input.options(),
                () -> http.response().closed());
        PruneResponse body = PruneResponse.of(timed.result(), input.metadata(), input.returnSentences());
        return TimingHeaders.add(Response.ok(body), timed.timings(), started).build();
    }
}
