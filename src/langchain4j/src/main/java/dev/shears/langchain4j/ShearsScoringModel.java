package dev.shears.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.shears.client.ShearsClient;
import java.util.Arrays;
import java.util.List;

/**
 * Shears' reranker ({@code POST /v1/rerank}, or the same scoring in process) as a {@link ScoringModel}: a segment's
 * score is its best sentence's probability of being needed for the query, so long segments are never truncated.
 * Scores come back in the segments' order, one per segment. Failures throw; scoring never falls back.
 */
public final class ShearsScoringModel implements ScoringModel {

    private final Shears shears;

    ShearsScoringModel(Shears shears) {
        this.shears = shears;
    }

    @Override
    public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
        if (segments.isEmpty()) {
            return Response.from(List.of());
        }
        double[] scores = new double[segments.size()];
        for (ShearsClient.Ranked r : shears.backend().rerank(query, segments.stream().map(TextSegment::text).toList())) {
            scores[r.index()] = r.relevanceScore();
        }
        return Response.from(Arrays.stream(scores).boxed().toList());
    }
}
