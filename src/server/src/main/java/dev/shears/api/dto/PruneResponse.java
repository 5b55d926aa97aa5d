package dev.shears.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.pruning.PrunedDocument;
import dev.shears.pruning.PruningResult;
import dev.shears.pruning.ScoredSentence;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Pruned documents in input order, with the request's totals. */
public record PruneResponse(String model, double threshold, List<Doc> documents, Totals totals) {

    @Schema(name = "PrunedDocument")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Doc(
            int index,
            String id,
            @JsonProperty("relevance_score") double relevanceScore,
            int rank,
            @JsonProperty("pruned_text") String prunedText,
            double compression,
            @JsonProperty("chars_before") int charsBefore,
            @JsonProperty("chars_after") int charsAfter,
            @JsonProperty("tokens_before") int tokensBefore,
            @JsonProperty("tokens_after") int tokensAfter,
            @Schema(description = "The request document's metadata, as sent") JsonNode metadata,
            List<Sentence> sentences) {}

    /** A sentence of the input text: [start, end) in characters (UTF-16 code units, as JavaScript and Java count). */
    @Schema(name = "PrunedSentence")
    public record Sentence(int start, int end, String text, String kind, double score, int tokens, boolean kept) {
        static Sentence of(ScoredSentence s) {
            return new Sentence(s.start(), s.end(), s.text(), s.kind().name().toLowerCase(Locale.ROOT), round(s.score()),
                    s.tokens(), s.kept());
        }
    }

    @Schema(name = "PruneTotals")
    public record Totals(
            int documents,
            @JsonProperty("chars_before") int charsBefore,
            @JsonProperty("chars_after") int charsAfter,
            @JsonProperty("tokens_before") int tokensBefore,
            @JsonProperty("tokens_after") int tokensAfter,
            @JsonProperty("tokens_saved") int tokensSaved,
            double compression) {}

    public static PruneResponse of(PruningResult result, List<JsonNode> metadata, boolean withSentences) {
        List<Doc> docs = result.documents().stream().map(d -> doc(d, metadata.get(d.index()), withSentences)).toList();
        Totals totals = new Totals(docs.size(), result.charsBefore(), result.charsAfter(), result.tokensBefore(),
                result.tokensAfter(), result.tokensBefore() - result.tokensAfter(), round(result.compression()));
        return new PruneResponse(result.model(), result.threshold(), docs, totals);
    }

    private static Doc doc(PrunedDocument d, JsonNode metadata, boolean withSentences) {
        return new Doc(d.index(), d.id(), round(d.relevanceScore()), d.rank() + 1, d.prunedText(), round(d.compression()),
                d.charsBefore(), d.charsAfter(), d.tokensBefore(), d.tokensAfter(), metadata,
                withSentences ? d.sentences().stream().map(Sentence::of).toList() : null);
    }

    /** Six decimals: enough to compare with a threshold, stable across platforms in JSON. */
    static double round(double x) {
        return Math.round(x * 1e6) / 1e6;
    }
}
