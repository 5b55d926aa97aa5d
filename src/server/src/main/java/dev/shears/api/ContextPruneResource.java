package dev.shears.api;

import dev.shears.api.dto.PruneRequest;
import dev.shears.api.dto.PruneResponse;
import dev.shears.pruning.PruningResult;
import dev.shears.service.ContextPruningService;
import dev.shears.service.Timed;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

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
    @APIResponse(responseCode = "200", description = "The pruned documents, in input order, with the request's totals",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PruneResponse.class)),
            headers = @Header(name = ApiDocs.TOTAL_TIME_HEADER, description = ApiDocs.TOTAL_TIME,
                    schema = @Schema(type = SchemaType.NUMBER)))
    public Response prune(PruneRequest request, @Context HttpServerRequest http) {
        long started = System.nanoTime();
        PruneRequestReader.Input input = reader.read(request);
        PruneRequestReader.Passages passages = input.passages();
        Timed<PruningResult> timed = service.prune(passages.query(), passages.documents(),
                input.options(), () -> http.response().closed());
        PruneResponse body = PruneResponse.of(timed.result(), passages.metadata(), input.returnSentences());
        return TimingHeaders.add(Response.ok(body), timed.timings(), started).build();
    }
}
