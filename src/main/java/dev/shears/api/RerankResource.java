package dev.shears.api;

import dev.shears.api.dto.PruneRequest;
import dev.shears.api.dto.RerankRequest;
import dev.shears.api.dto.RerankResponse;
import dev.shears.config.ShearsConfig;
import dev.shears.error.ShearsException;
import dev.shears.pruning.PrunedDocument;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.ScoredSentence;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Cohere-compatible reranking, so LangChain4j's {@code CohereScoringModel} (base URL {@code …/v1/}) and
 * quarkus-langchain4j's Cohere client (base URL {@code …/}, path {@code /v2/rerank}) work against Shears by
 * changing only the base URL. A document's relevance is its best sentence's score, so long documents are
 * scored window by window (sentence by sentence) and never truncated unless {@code max_tokens_per_doc} asks.
 */
@Path("/")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class RerankResource {

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
    @Path("v1/rerank")
    @Operation(summary = "Rerank documents by relevance to the query (Cohere v1 shape)")
    public Response rerankV1(RerankRequest request, @Context HttpServerRequest http) {
        return rerank(request, "1", http);
    }

    @POST
    @Path("v2/rerank")
    @Operation(summary = "Rerank documents by relevance to the query (Cohere v2 shape)")
    public Response rerankV2(RerankRequest request, @Context HttpServerRequest http) {
        return rerank(request, "2", http);
    }

    private Response rerank(RerankRequest request, String version, HttpServerRequest http) {
        long started = System.nanoTime();
        if (request == null) {
            throw ShearsException.invalid("request body is required: {\"query\": ..., \"documents\": [...]}");
        }
        if (request.rankFields() != null && !request.rankFields().equals(List.of("text"))) {
            throw ShearsException.invalid("'rank_fields' supports only [\"text\"]");
        }
        if (request.maxTokensPerDoc() != null && request.maxTokensPerDoc() < 1) {
            throw ShearsException.invalid("'max_tokens_per_doc' must be at least 1, got " + request.maxTokensPerDoc());
        }
        if (request.maxChunksPerDoc() != null && request.maxChunksPerDoc() < 1) {
            throw ShearsException.invalid("'max_chunks_per_doc' must be at least 1, got " + request.maxChunksPerDoc());
        }
        if (request.topN() != null && request.topN() < 1) {
            throw ShearsException.invalid("'top_n' must be at least 1, got " + request.topN());
        }
        PruneRequest asPrune = new PruneRequest(request.query(), request.documents(), null, null, null, null, null, false);
        PruneRequestReader.Input input = PruneRequestReader.read(asPrune, limits);
        ContextPruningService.Timed timed = service.prune(ContextPruningService.RERANK, input.query(), input.documents(),
                PruningOptions.defaults(), () -> http.response().closed());
        int maxTokens = request.maxTokensPerDoc() == null ? Integer.MAX_VALUE : request.maxTokensPerDoc();
        boolean withDocuments = Boolean.TRUE.equals(request.returnDocuments());
        List<RerankResponse.Result> results = timed.result().documents().stream()
                .map(d -> new RerankResponse.Result(d.index(), relevance(d, maxTokens),
                        withDocuments ? Map.of("text", input.documents().get(d.index()).text()) : null))
                .sorted(Comparator.comparingDouble(RerankResponse.Result::relevanceScore).reversed()
                        .thenComparingInt(RerankResponse.Result::index))
                .limit(request.topN() == null ? Long.MAX_VALUE : request.topN())
                .toList();
        RerankResponse body = new RerankResponse(UUID.randomUUID().toString(), results,
                new RerankResponse.Meta(Map.of("version", version), Map.of("search_units", 1), timed.result().model()));
        return TimingHeaders.add(Response.ok(body), timed.timings(), started).build();
    }

    /** Best sentence score within the first {@code maxTokens} tokens of the document. */
    static double relevance(PrunedDocument doc, int maxTokens) {
        double best = 0;
        int seen = 0;
        for (ScoredSentence s : doc.sentences()) {
            if (seen >= maxTokens) {
                break;
            }
            best = Math.max(best, s.score());
            seen += s.tokens();
        }
        return Math.round(best * 1e6) / 1e6;
    }
}
