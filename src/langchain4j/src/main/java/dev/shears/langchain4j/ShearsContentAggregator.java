package dev.shears.langchain4j;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.langchain4j.rag.content.aggregator.ReciprocalRankFuser;
import dev.langchain4j.rag.query.Query;
import dev.shears.client.ShearsClient;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link ContentAggregator} that reranks and prunes in one Shears call. It fuses the retrieved lists as
 * LangChain4j's own aggregators do (reciprocal rank fusion per query, then across queries), sends the fused
 * content to Shears' context pruning with the query, and returns the content Shears kept, most relevant first,
 * each with its text replaced by the pruned text (exact sentences of the original). Content that prunes to
 * nothing, or scores under {@code minScore}, is dropped; at most {@code maxResults} remain; ties keep the fused
 * order.
 *
 * <p>Metadata survives: every {@link Content}'s metadata ({@code SCORE}, {@code EMBEDDING_ID}, ...) gains
 * {@link ContentMetadata#RERANKED_SCORE}, and every {@link TextSegment}'s metadata keeps its entries and gains
 * {@value #RELEVANCE_SCORE}, {@value #RANK}, {@value #TOKENS_BEFORE}, {@value #TOKENS_AFTER} and
 * {@value #COMPRESSION}.
 */
public final class ShearsContentAggregator implements ContentAggregator {

    public static final String RELEVANCE_SCORE = "shears_relevance_score";
    public static final String RANK = "shears_rank";
    public static final String TOKENS_BEFORE = "shears_tokens_before";
    public static final String TOKENS_AFTER = "shears_tokens_after";
    public static final String COMPRESSION = "shears_compression";

    private final Shears shears;
    private final Function<Map<Query, Collection<List<Content>>>, Query> querySelector;
    private final int maxResults;
    private final double minScore;
    private final Double threshold;
    private final Double targetRatio;
    private final Integer tokenBudget;

    private ShearsContentAggregator(Builder b) {
        this.shears = b.shears;
        this.querySelector = b.querySelector;
        this.maxResults = b.maxResults;
        this.minScore = b.minScore;
        this.threshold = b.threshold;
        this.targetRatio = b.targetRatio;
        this.tokenBudget = b.tokenBudget;
    }

    @Override
    public List<Content> aggregate(Map<Query, Collection<List<Content>>> queryToContents) {
        List<Content> fused = ReciprocalRankFuser.fuse(queryToContents.values().stream().map(ReciprocalRankFuser::fuse).toList());
        if (fused.isEmpty()) {
            return fused;
        }
        String query = querySelector.apply(queryToContents).text();
        return shears.orUnpruned("context pruning", () -> prune(query, fused),
                () -> fused.subList(0, Math.min(maxResults, fused.size())));
    }

    private List<Content> prune(String query, List<Content> fused) {
        ShearsClient.PruneRequest request = new ShearsClient.PruneRequest(query,
                fused.stream().map(c -> ShearsClient.Passage.of(c.textSegment().text())).toList(),
                threshold, null, null, targetRatio, tokenBudget, false);
        return shears.backend().prune(request).documents().stream()
                .filter(d -> !d.prunedText().isBlank() && d.relevanceScore() >= minScore)
                .sorted(Comparator.comparingDouble(ShearsClient.PrunedPassage::relevanceScore).reversed()) // stable
                .limit(maxResults)
                .map(d -> pruned(fused.get(d.index()), d))
                .toList();
    }

    private static Content pruned(Content original, ShearsClient.PrunedPassage d) {
        TextSegment segment = TextSegment.from(d.prunedText(), original.textSegment().metadata().copy()
                .put(RELEVANCE_SCORE, d.relevanceScore()).put(RANK, d.rank())
                .put(TOKENS_BEFORE, d.tokensBefore()).put(TOKENS_AFTER, d.tokensAfter())
                .put(COMPRESSION, d.compression()));
        Map<ContentMetadata, Object> metadata = new HashMap<>(original.metadata());
        metadata.put(ContentMetadata.RERANKED_SCORE, d.relevanceScore());
        return Content.from(segment, metadata);
    }

    /**
     * The query content is pruned for: the only one, else the user's message the queries came from (when a query
     * transformer expanded it), else an error; replace it with {@link Builder#querySelector}.
     */
    static Query defaultQuery(Map<Query, Collection<List<Content>>> queryToContents) {
        if (queryToContents.size() == 1) {
            return queryToContents.keySet().iterator().next();
        }
        return queryToContents.keySet().stream()
                .filter(q -> q.metadata() != null && q.metadata().chatMessage() instanceof UserMessage u && u.hasSingleText())
                .map(q -> Query.from(((UserMessage) q.metadata().chatMessage()).singleText(), q.metadata()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("several queries and no user message to prune for; "
                        + "give ShearsContentAggregator a querySelector"));
    }

    public static final class Builder {
        private final Shears shears;
        private Function<Map<Query, Collection<List<Content>>>, Query> querySelector = ShearsContentAggregator::defaultQuery;
        private int maxResults = Integer.MAX_VALUE;
        private double minScore = Double.NEGATIVE_INFINITY;
        private Double threshold;
        private Double targetRatio;
        private Integer tokenBudget;

        Builder(Shears shears) {
            this.shears = shears;
        }

        /** At most this many contents, most relevant first. */
        public Builder maxResults(int value) {
            this.maxResults = value;
            return this;
        }

        /** Drop content whose relevance (its best sentence's score) is below this. */
        public Builder minScore(double value) {
            this.minScore = value;
            return this;
        }

        /** Keep sentences scoring at least this (the model's default when unset, 0.019 for the default model). */
        public Builder threshold(double value) {
            this.threshold = value;
            return this;
        }

        /** Keep at most this many tokens over all content, best sentences first. */
        public Builder tokenBudget(int tokens) {
            this.tokenBudget = tokens;
            return this;
        }

        /** Keep at most this share of the content's tokens, best sentences first. */
        public Builder targetRatio(double value) {
            this.targetRatio = value;
            return this;
        }

        /** Which query to prune for when a query transformer made several. */
        public Builder querySelector(Function<Map<Query, Collection<List<Content>>>, Query> value) {
            this.querySelector = value;
            return this;
        }

        public ShearsContentAggregator build() {
            return new ShearsContentAggregator(this);
        }
    }
}
