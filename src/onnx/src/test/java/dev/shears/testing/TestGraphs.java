package dev.shears.testing;

import static dev.shears.onnx.graph.OnnxGraphBuilder.FLOAT;
import static dev.shears.onnx.graph.OnnxGraphBuilder.INT64;

import dev.shears.onnx.graph.OnnxGraphBuilder;
import dev.shears.onnx.ModelLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Hand-built dual-head graphs whose answers are known exactly: rank logit = sum of the (unmasked) input ids;
 * token keep-probability = (id mod 100) / 100, given either directly ({@code keep_probs} [B, L]) or as
 * two-class logits {@code [0, logit(p)]}-equivalent ({@code keep_logits} [B, L, 2] = [0, z] with
 * z = (id mod 100) / 10 − 5, so p = sigmoid(z)).
 */
public final class TestGraphs {

    private TestGraphs() {}

    public static double prob(long id) {
        return (id % 100) / 100.0;
    }

    public static double probFromLogits(long id) {
        double z = (id % 100) / 10.0 - 5;
        return 1 / (1 + Math.exp(-z));
    }

    public static byte[] graph(boolean logits) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("provence-test", 13);
        g.input("input_ids", INT64, "batch", "length");
        g.input("attention_mask", INT64, "batch", "length");
        g.input("token_type_ids", INT64, "batch", "length");
        g.longInitializer("axes1", new long[] {1}, 1);
        g.longInitializer("hundred", new long[] {100});
        g.node("Mul").name("masked").inputs("input_ids", "attention_mask").output("masked_ids");
        g.node("Cast").name("masked_f").inputs("masked_ids").attr("to", FLOAT).output("masked_f");
        g.node("ReduceSum").name("rank").inputs("masked_f", "axes1").attr("keepdims", 1).output("rank_logits");
        g.node("Mod").name("mod").inputs("input_ids", "hundred").output("mod");
        g.node("Cast").name("mod_f").inputs("mod").attr("to", FLOAT).output("mod_f");
        g.output("rank_logits", FLOAT, "batch", 1L);
        if (logits) {
            g.floatInitializer("f10", new float[] {10f});
            g.floatInitializer("f5", new float[] {5f});
            g.floatInitializer("f0", new float[] {0f});
            g.longInitializer("axes2", new long[] {2}, 1);
            g.node("Div").name("z_div").inputs("mod_f", "f10").output("z_div");
            g.node("Sub").name("z").inputs("z_div", "f5").output("z");
            g.node("Mul").name("zero").inputs("z", "f0").output("zero");
            g.node("Unsqueeze").name("z_u").inputs("z", "axes2").output("z_u");
            g.node("Unsqueeze").name("zero_u").inputs("zero", "axes2").output("zero_u");
            g.node("Concat").name("logits").inputs("zero_u", "z_u").attr("axis", 2).output("token_keep_logits");
            g.output("token_keep_logits", FLOAT, "batch", "length", 2L);
        } else {
            g.floatInitializer("f100", new float[] {100f});
            g.node("Div").name("p").inputs("mod_f", "f100").output("token_keep_probs");
            g.output("token_keep_probs", FLOAT, "batch", "length");
        }
        return g.toBytes();
    }

    public static byte[] bgeTokenizer() throws IOException {
        try (InputStream in = TestGraphs.class.getClassLoader().getResourceAsStream("bge-small-en-v1.5-q-tokenizer.json")) {
            return in.readAllBytes();
        }
    }

    /** Writes a model directory with the test graph, the bge tokenizer and a Provence manifest. */
    public static Path writeModel(Path dir, boolean logits, int maxLength, String rounding, String scale, double threshold)
            throws IOException {
        byte[] graph = graph(logits);
        byte[] tokenizer = bgeTokenizer();
        Files.write(dir.resolve("model.onnx"), graph);
        Files.write(dir.resolve("tokenizer.json"), tokenizer);
        String manifest = String.format(Locale.ROOT, """
                {
                  "id": "provence-test",
                  "task": "provence",
                  "files": {
                    "model": {"path": "model.onnx", "sha256": "%s"},
                    "tokenizer": {"path": "tokenizer.json", "sha256": "%s"}
                  },
                  "inputs": ["input_ids", "attention_mask", "token_type_ids"],
                  "outputs": ["rank_logits", "%s"],
                  "max_length": %d,
                  "provence": {
                    "rank_output": "rank_logits",
                    "token_output": "%s",
                    "token_output_kind": "%s",
                    "score_scale": "%s",
                    "rounding": "%s",
                    "default_threshold": %s,
                    "batch_size": 3
                  }
                }""", ModelLocation.sha256(graph), ModelLocation.sha256(tokenizer),
                logits ? "token_keep_logits" : "token_keep_probs", maxLength, logits ? "token_keep_logits" : "token_keep_probs",
                logits ? "keep_logits" : "keep_probs", scale, rounding, threshold);
        Files.writeString(dir.resolve("manifest.json"), manifest);
        return dir;
    }
}
