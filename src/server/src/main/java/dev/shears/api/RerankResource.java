package dev.shears.api;

import dev.shears.api.dto.RerankRequest;
import dev.shears.api.dto.RerankResponse;
import dev.shears.error.ShearsException;
import dev.shears.service.ContextPruningService;
import dev.shears.service.Timed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

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
    PruneRequestReader reader;

    @POST
    @Path("v1/rerank")
    @Operation(summary = "Rerank documents by relevance to the query (Cohere v1 shape)")
    @APIResponse(responseCode = "200", description = "Results by relevance, best first, each naming its input index",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RerankResponse.class)),
            headers = @Header(name = ApiDocs.TOTAL_TIME_HEADER, description = ApiDocs.TOTAL_TIME,
                    schema = @Schema(type = SchemaType.NUMBER)))
    public Response rerankV1(RerankRequest request, @Context HttpServerRequest http) {
        return rerank(request, "1", http);
    }

    @POST
    @Path("v2/rerank")
    @Operation(summary = "Rerank documents by relevance to the query (Cohere v2 shape)")
    @APIResponse(responseCode = "200", description = "Results by relevance, best first, each naming its input index",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RerankResponse.class)),
            headers = @Header(name = ApiDocs.TOTAL_TIME_HEADER, description = ApiDocs.TOTAL_TIME,
                    schema = @Schema(type = SchemaType.NUMBER)))
    public Response rerankV2(RerankRequest request, @Context HttpServerRequest http) {
        return rerank(request, "2", http);
    }

    private Response rerank(RerankRequest request, String version, HttpServerRequest http) {
        long started = System.nanoTime();
        if (request == null) {
            throw ShearsException.invalid(PruneRequestReader.BODY_REQUIRED);
        }
        if (request.rankFields() != null && !request.rankFields().equals(List.of("text"))) {
            throw ShearsException.invalid("'rank_fields' supports only [\"text\"]");
        }
        atLeastOne("max_tokens_per_doc", request.maxTokensPerDoc());
        atLeastOne("max_chunks_per_doc", request.maxChunksPerDoc());
        atLeastOne("top_n", request.topN());
        PruneRequestReader.Passages passages = reader.passages(request.query(), request.documents());
        int maxTokens = request.maxTokensPerDoc() == null ? Integer.MAX_VALUE : request.maxTokensPerDoc();
        Timed<ContextPruningService.Ranking> timed = service.rerank(passages.query(),
                passages.documents(), maxTokens, () -> http.response().closed());
        boolean withDocuments = Boolean.TRUE.equals(request.returnDocuments());
        List<RerankResponse.Result> results = timed.result().ranked().stream()
                .limit(request.topN() == null ? Long.MAX_VALUE : request.topN())
                .map(r -> new RerankResponse.Result(r.index(), r.score(),
                        withDocuments ? Map.of("text", passages.documents().get(r.index()).text()) : null))
                .toList();
        RerankResponse body = new RerankResponse(UUID.randomUUID().toString(), results,
                new RerankResponse.Meta(Map.of("version", version), Map.of("search_units", 1), timed.result().model()));
        return TimingHeaders.add(Response.ok(body), timed.timings(), started).build();
    }

    private static void atLeastOne(String field, Integer value) {
        if (value != null && value < 1) {
            throw ShearsException.invalid("'" + field + "' must be at least 1, got " + value);
        }
    }
}
