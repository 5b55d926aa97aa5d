package dev.shears.api;

import dev.shears.api.dto.reasoning.VoteRequest;
import dev.shears.api.dto.reasoning.VoteResponse;
import dev.shears.reasoning.voting.Vote;
import dev.shears.service.Timed;
import dev.shears.service.VotingService;
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

/** {@code POST /v1/reasoning/vote}: RPC voting over sampled reasoning paths. */
@Path("/v1/reasoning/vote")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ReasoningVoteResource {

    @Inject
    VotingService service;

    @Inject
    ReasoningRequestReader reader;

    @POST
    @Operation(summary = "Vote over sampled reasoning paths with perplexity consistency, after pruning implausible paths",
            description = "Groups the paths by equivalent answer, prunes paths whose probability a two-component Weibull"
                    + " mixture marks as implausible, and scores each answer by the summed probability of its distinct"
                    + " paths (RPC). Self-consistency and perplexity answers come alongside. Path probabilities come from"
                    + " the request (mean_logprob or logprobs) or from scoring by the configured model; with n, the model"
                    + " samples the paths.")
    @APIResponse(responseCode = "200", description = "The chosen answer with every answer's normalised confidence",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VoteResponse.class)),
            headers = @Header(name = ApiDocs.TOTAL_TIME_HEADER, description = ApiDocs.TOTAL_TIME, schema = @Schema(type = SchemaType.NUMBER)))
    public Response vote(VoteRequest request, @Context HttpServerRequest http) {
        long started = System.nanoTime();
        ReasoningRequestReader.VoteInput in = reader.readVote(request);
        Timed<VotingService.Result> timed = service.vote(in.question(), in.paths(), in.sampling(), in.extractor(),
                () -> http.response().closed());
        return TimingHeaders.add(Response.ok(response(timed.result(), in.sampling() != null)), timed.timings(), started).build();
    }

    private static VoteResponse response(VotingService.Result r, boolean sampled) {
        Vote v = r.vote();
        return new VoteResponse(v.answer(), round(v.confidence()),
                v.answers().stream().map(a -> new VoteResponse.AnswerOut(a.answer(), round(a.probability()), a.paths(), a.votes())).toList(),
                v.pruned().stream().map(p -> new VoteResponse.PrunedOut(p.index(), p.reason())).toList(),
                new VoteResponse.Baseline(v.selfConsistency().answer(), round(v.selfConsistency().confidence())),
                new VoteResponse.Baseline(v.perplexity().answer(), round(v.perplexity().confidence())),
                r.scorer(),
                sampled ? r.paths().stream().map(p -> new VoteResponse.SampledPath(p.text(), p.answer(), round(p.meanLogProb()))).toList() : null,
                sampled ? r.samplesSaved() : null,
                v.fitNote());
    }

    private static double round(double x) {
        return Math.round(x * 1e6) / 1e6;
    }
}
