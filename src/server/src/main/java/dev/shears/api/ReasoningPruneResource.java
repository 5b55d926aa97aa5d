package dev.shears.api;

import dev.shears.api.dto.reasoning.ReasoningPruneRequest;
import dev.shears.api.dto.reasoning.ReasoningPruneResponse;
import dev.shears.reasoning.PrunedReasoning;
import dev.shears.service.ReasoningService;
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

/** {@code POST /v1/reasoning/prune}: ASAP reasoning-step pruning of a chain of thought. */
@Path("/v1/reasoning/prune")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ReasoningPruneResource {

    @Inject
    ReasoningService service;

    @Inject
    ReasoningRequestReader reader;

    @POST
    @Operation(summary = "Remove the reasoning steps a language model found least surprising",
            description = "Scores the first token of every step given the question and the steps before it, then removes"
                    + " the least surprising steps until the chain fits keep_ratio (default 0.8) of its tokens or max_tokens."
                    + " The answer and protected steps stay. With an anchor, an anchor-guided coarse stage runs first."
                    + " Log-probs the chain's generator returned (logprobs) can stand in for a scoring model.")
    @APIResponse(responseCode = "200", description = "The pruned chain, with every step's span, first token and surprisal",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReasoningPruneResponse.class)),
            headers = @Header(name = ApiDocs.TOTAL_TIME_HEADER, description = ApiDocs.TOTAL_TIME, schema = @Schema(type = SchemaType.NUMBER)))
    public Response prune(ReasoningPruneRequest request, @Context HttpServerRequest http) {
        long started = System.nanoTime();
        ReasoningRequestReader.Input input = reader.read(request);
        Timed<PrunedReasoning> timed = service.prune(input.input(), input.options(), () -> http.response().closed());
        return TimingHeaders.add(Response.ok(ReasoningPruneResponse.of(timed.result(), input.input().answer())), timed.timings(), started)
                .build();
    }
}
