package dev.shears.onnx;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * What Shears knows about a model before it opens it: where its files are, their sha256, the graph's
 * declared inputs and outputs, and how its outputs are read. One {@code manifest.json} per model, see
 * {@code models/README.md} for the format.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        String id,
        String task,
        String description,
        Map<String, String> source,
        Map<String, FileEntry> files,
        List<String> inputs,
        List<String> outputs,
        @JsonProperty("hidden_size") int hiddenSize,
        String pooling,
        boolean normalize,
        @JsonProperty("max_length") int maxLength,
        @JsonProperty("query_prefix") String queryPrefix,
        @JsonProperty("sentence_head") SentenceHead sentenceHead,
        Provence provence,
        @JsonProperty("rowwise_quantization") boolean rowwiseQuantization) {

    public static final String FILE_NAME = "manifest.json";
    public static final String MODEL = "model";
    public static final String TOKENIZER = "tokenizer";

    /** One file of a model; {@code sha256} may be absent only for models loaded from a directory. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileEntry(String path, String sha256, Long bytes) {}

    /**
     * Weights of the logistic head that turns similarity features into keep-probabilities, the threshold they
     * were calibrated for, and a free-form record of how they were fitted (data, settings, date).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SentenceHead(
            List<Double> weights,
            double bias,
            @JsonProperty("default_threshold") double defaultThreshold,
            Map<String, Object> training) {}

    /**
     * How to read a Provence-style dual-head graph ({@code task: "provence"}): which outputs hold the rank
     * logit and the token keep scores, how they are turned into decisions, and how the heads were trained.
     *
     * @param rankOutput output name of the rank logits, shape [B, 1] (or [B])
     * @param tokenOutput output name of the token keep scores
     * @param tokenOutputKind {@code keep_logits} ([B, L, 2], keep-prob = softmax(...)[1]) or {@code keep_probs}
     *     ([B, L], already probabilities)
     * @param scoreScale {@code logit} or {@code sigmoid}: how the rank logit is reported as document relevance
     * @param rounding {@code mean_prob}, {@code decision_avg} or {@code paper_majority}
     * @param defaultThreshold threshold the model was calibrated for
     * @param batchSize blocks per forward pass
     * @param training free-form record of how the heads were trained (data, settings, seed, command)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Provence(
            @JsonProperty("rank_output") String rankOutput,
            @JsonProperty("token_output") String tokenOutput,
            @JsonProperty("token_output_kind") String tokenOutputKind,
            @JsonProperty("score_scale") String scoreScale,
            String rounding,
            @JsonProperty("default_threshold") double defaultThreshold,
            @JsonProperty("batch_size") Integer batchSize,
            Map<String, Object> training) {}

    public static final String TASK_PROVENCE = "provence";

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static ModelManifest read(InputStream in) throws IOException {
        ModelManifest manifest = JSON.readValue(in, ModelManifest.class);
        manifest.requireComplete();
        return manifest;
    }

    public FileEntry file(String role) {
        FileEntry entry = files == null ? null : files.get(role);
        if (entry == null || entry.path() == null || entry.path().isBlank()) {
            throw new ModelLoadException("manifest of model '" + id + "' names no '" + role + "' file");
        }
        return entry;
    }

    public String queryPrefixOrEmpty() {
        return queryPrefix == null ? "" : queryPrefix;
    }

    private void requireComplete() {
        if (id == null || id.isBlank()) {
            throw new ModelLoadException("model manifest has no 'id'");
        }
        if (maxLength <= 0) {
            throw new ModelLoadException("manifest of model '" + id + "' needs a positive 'max_length'");
        }
        file(MODEL);
        file(TOKENIZER);
    }
}
