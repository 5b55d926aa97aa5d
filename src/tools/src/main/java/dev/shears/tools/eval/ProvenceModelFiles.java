package dev.shears.tools.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.TextTokenizer;
import dev.shears.onnx.graph.ProvenceHeadGraph;
import dev.shears.onnx.provence.OnnxProvenceModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Provence model directory as {@link OnnxProvenceModel} loads it: {@code model.onnx} (an encoder with
 * {@link ProvenceHeadGraph}'s outputs), {@code tokenizer.json} and a {@code task: "provence"} manifest with the
 * checksum and size of both files, keep-probs output, sigmoid score scale, {@code mean_prob} rounding.
 */
public final class ProvenceModelFiles {

    /** What the manifest says about the model beyond its files. */
    public record Description(String id, String description, Map<String, Object> source, int hiddenSize, int maxLength,
            double defaultThreshold, Map<String, Object> training) {}

    private ProvenceModelFiles() {}

    /** The separator id the tokenizer closes a single text with ({@code [CLS] text [SEP]}). */
    public static long separatorId(byte[] tokenizerJson) {
        try (TextTokenizer t = TextTokenizer.fromJson(tokenizerJson, "provence")) {
            return t.encode("", true).ids()[1];
        }
    }

    public static void write(Path out, byte[] graph, byte[] tokenizer, Description d) throws IOException {
        Files.createDirectories(out);
        Files.write(out.resolve("model.onnx"), graph);
        Files.write(out.resolve("tokenizer.json"), tokenizer);
        writeManifest(out, graph, tokenizer, d);
    }

    /** (Re)writes the manifest only, e.g. once the default threshold has been calibrated on the written model. */
    public static void writeManifest(Path out, byte[] graph, byte[] tokenizer, Description d) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("task", ModelManifest.TASK_PROVENCE);
        m.put("description", d.description());
        m.put("source", d.source());
        m.put("files", Map.of(
                "model", Map.of("path", "model.onnx", "sha256", ModelLocation.sha256(graph), "bytes", graph.length),
                "tokenizer", Map.of("path", "tokenizer.json", "sha256", ModelLocation.sha256(tokenizer), "bytes", tokenizer.length)));
        m.put("inputs", List.of(OnnxProvenceModel.INPUT_IDS, OnnxProvenceModel.ATTENTION_MASK, OnnxProvenceModel.TOKEN_TYPE_IDS));
        m.put("outputs", List.of(ProvenceHeadGraph.RANK_OUTPUT, ProvenceHeadGraph.TOKEN_OUTPUT));
        m.put("hidden_size", d.hiddenSize());
        m.put("max_length", d.maxLength());
        Map<String, Object> provence = new LinkedHashMap<>();
        provence.put("rank_output", ProvenceHeadGraph.RANK_OUTPUT);
        provence.put("token_output", ProvenceHeadGraph.TOKEN_OUTPUT);
        provence.put("token_output_kind", OnnxProvenceModel.KIND_PROBS);
        provence.put("score_scale", "sigmoid");
        provence.put("rounding", "mean_prob");
        provence.put("default_threshold", d.defaultThreshold());
        provence.put("batch_size", 16);
        provence.put("training", d.training());
        m.put("provence", provence);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve(ModelManifest.FILE_NAME).toFile(), m);
    }
}
