package dev.shears.runtime.provence;

import static dev.shears.runtime.provence.OnnxGraphs.floats;
import static dev.shears.runtime.provence.OnnxGraphs.intAttr;
import static dev.shears.runtime.provence.OnnxGraphs.longs;
import static dev.shears.runtime.provence.OnnxGraphs.node;
import static dev.shears.runtime.provence.OnnxGraphs.tensor;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.shears.runtime.ModelLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Hand-built dual-head graphs whose answers are known exactly: rank logit = sum of the (unmasked) input ids;
 * token keep-probability = (id mod 100) / 100, given either directly ({@code keep_probs} [B, L]) or as
 * two-class logits {@code [0, logit(p)]}-equivalent ({@code keep_logits} [B, L, 2] = [0, z] with
 * z = (id mod 100) / 10 − 5, so p = sigmoid(z)).
 */
final class TestGraphs {

    private TestGraphs() {}

    static double prob(long id) {
        return (id % 100) / 100.0;
    }

    static double probFromLogits(long id) {
        double z = (id % 100) / 10.0 - 5;
        return 1 / (1 + Math.exp(-z));
    }

    static byte[] graph(boolean logits) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("provence-test");
        g.addInput(tensor("input_ids", DataType.INT64, "batch", "length"));
        g.addInput(tensor("attention_mask", DataType.INT64, "batch", "length"));
        g.addInput(tensor("token_type_ids", DataType.INT64, "batch", "length"));
        g.addInitializer(longs("axes1", new long[] {1}, new long[] {1}));
        g.addInitializer(longs("hundred", new long[] {}, new long[] {100}));
        g.addNode(node("Mul", "masked", List.of("input_ids", "attention_mask"), List.of("masked_ids")));
        g.addNode(node("Cast", "masked_f", List.of("masked_ids"), List.of("masked_f"), intAttr("to", DataType.FLOAT.getNumber())));
        g.addNode(node("ReduceSum", "rank", List.of("masked_f", "axes1"), List.of("rank_logits"), intAttr("keepdims", 1)));
        g.addNode(node("Mod", "mod", List.of("input_ids", "hundred"), List.of("mod")));
        g.addNode(node("Cast", "mod_f", List.of("mod"), List.of("mod_f"), intAttr("to", DataType.FLOAT.getNumber())));
        g.addOutput(tensor("rank_logits", DataType.FLOAT, "batch", 1L));
        if (logits) {
            g.addInitializer(floats("f10", new long[] {}, new float[] {10f}));
            g.addInitializer(floats("f5", new long[] {}, new float[] {5f}));
            g.addInitializer(floats("f0", new long[] {}, new float[] {0f}));
            g.addInitializer(longs("axes2", new long[] {1}, new long[] {2}));
            g.addNode(node("Div", "z_div", List.of("mod_f", "f10"), List.of("z_div")));
            g.addNode(node("Sub", "z", List.of("z_div", "f5"), List.of("z")));
            g.addNode(node("Mul", "zero", List.of("z", "f0"), List.of("zero")));
            g.addNode(node("Unsqueeze", "z_u", List.of("z", "axes2"), List.of("z_u")));
            g.addNode(node("Unsqueeze", "zero_u", List.of("zero", "axes2"), List.of("zero_u")));
            g.addNode(node("Concat", "logits", List.of("zero_u", "z_u"), List.of("token_keep_logits"), intAttr("axis", 2)));
            g.addOutput(tensor("token_keep_logits", DataType.FLOAT, "batch", "length", 2L));
        } else {
            g.addInitializer(floats("f100", new long[] {}, new float[] {100f}));
            g.addNode(node("Div", "p", List.of("mod_f", "f100"), List.of("token_keep_probs")));
            g.addOutput(tensor("token_keep_probs", DataType.FLOAT, "batch", "length"));
        }
        return OnnxGraphs.model(g.build(), 13).toByteArray();
    }

    static byte[] bgeTokenizer() throws IOException {
        try (InputStream in = TestGraphs.class.getClassLoader().getResourceAsStream("bge-small-en-v1.5-q-tokenizer.json")) {
            return in.readAllBytes();
        }
    }

    /** Writes a model directory with the test graph, the bge tokenizer and a Provence manifest. */
    static Path writeModel(Path dir, boolean logits, int maxLength, String rounding, String scale, double threshold)
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
