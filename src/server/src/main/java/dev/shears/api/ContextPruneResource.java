package dev.shears.api;

import dev.shears.api.dto.PruneRequest;
import dev.shears.api.dto.PruneResponse;
import dev.shears.pruning.PruningResult;
import dev.shears.service.ContextPruningService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
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
    PruneRequestReader reader;

    @POST
    @Operation(summary = "Prune passages to the sentences that matter for the query",
            description = "Scores every sentence against the query and keeps those above the threshold. pruned_text holds"
                    + " exact substrings of each input text in their original order; scores and character spans of every"
                    + " sentence are returned for inspection.")
    public Response prune(PruneRequest request, @Context HttpServerRequest http) {
        long started = System.nanoTime();
        PruneRequestReader.Input input = reader.read(request);
        PruneRequestReader.Passages passages = input.passages();
        ContextPruningService.Timed<PruningResult> timed = service.prune(passages.query(), passages.documents(),
                input.options(), () -> http.response().closed());
        PruneResponse body = PruneResponse.of(timed.result(), passages.metadata(), input.returnSentences());
        return TimingHeaders.add(Response.ok(body), timed.timings(), started).build();
    }
}
