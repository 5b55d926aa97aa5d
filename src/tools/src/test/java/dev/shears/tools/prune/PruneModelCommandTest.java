package dev.shears.tools.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.encoder.OfflineModels;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.graph.DynamicQuantization;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import dev.shears.onnx.prune.LinearLayers;
import dev.shears.onnx.prune.Pruning;
import dev.shears.testing.TestGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneModelCommandTest {

    static final int VOCAB = 30522;
    static final int H = 8;

    @TempDir
    Path tmp;

    /**
     * A tiny encoder over the bge tokenizer: embedding → MatMul → Relu → MatMul = last_hidden_state, mean-pooled
     * (its [CLS] vector is all zeros after the Relu).
     */
    static Path tinyEncoder(Path dir) throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("tiny-encoder");
        b.input("input_ids", OnnxGraphBuilder.INT64, "batch", "seq");
        b.input("attention_mask", OnnxGraphBuilder.INT64, "batch", "seq");
        float[] emb = new float[VOCAB * H];
        for (int k = 0; k < emb.length; k++) {
            emb[k] = (float) Math.sin(k * 0.37);
        }
        float[] w1 = new float[H * H];
        float[] w2 = new float[H * H];
        for (int k = 0; k < w1.length; k++) {
            w1[k] = (float) Math.cos(k * 1.3) + 0.01f * k;
            w2[k] = (float) Math.sin(k * 0.7 + 1) - 0.005f * k;
        }
        String x = b.node("Gather").inputs(b.floatInitializer("emb", emb, VOCAB, H), "input_ids").attr("axis", 0L).output();
        String h = b.op("Relu", b.op("MatMul", x, b.floatInitializer("w1", w1, H, H)));
        b.node("MatMul").inputs(h, b.floatInitializer("w2", w2, H, H)).output("last_hidden_state");
        b.output("last_hidden_state", OnnxGraphBuilder.FLOAT, "batch", "seq", H);
        Files.createDirectories(dir);
        byte[] graph = b.toBytes();
        byte[] tok = TestGraphs.bgeTokenizer();
        Files.write(dir.resolve("tiny.onnx"), graph);
        Files.write(dir.resolve("tokenizer.json"), tok);
        Files.writeString(dir.resolve("manifest.json"), """
                {"id": "tiny", "task": "sentence-embedding",
                 "files": {"model": {"path": "tiny.onnx", "sha256": "%s"},
                           "tokenizer": {"path": "tokenizer.json", "sha256": "%s"}},
                 "inputs": ["input_ids", "attention_mask"], "outputs": ["last_hidden_state"],
                 "hidden_size": 8, "pooling": "mean", "normalize": true, "max_length": 32}
                """.formatted(ModelLocation.sha256(graph), ModelLocation.sha256(tok)));
        return dir;
    }

    @Test
    void writesAPinnedPrunedDirectoryThatLoadsWithExactSparsity() throws Exception {
        Path src = tinyEncoder(tmp.resolve("src"));
        Path data = tmp.resolve("calib.tsv");
        Files.writeString(data, "QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel\n"
                + "Q1\twhat?\tD1\tT\tD1-0\tThe cat sat on the mat.\t1\n"
                + "Q1\twhat?\tD1\tT\tD1-1\tDogs bark at night.\t0\n");
        Path out = tmp.resolve("out");
        PruneModelCommand.main(new String[] {src.toString(), out.toString(), "--method", "wanda", "--nm", "2:4",
                "--calibration", data.toString(), "--calibration-sentences", "2"});
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("tiny-wanda-2of4", m.path("id").asText());
        assertEquals("2:4", m.path("pruning").path("n_m").asText());
        assertEquals(2, m.path("pruning").path("calibration").path("sentences").asInt());
        assertEquals(64, m.path("pruning").path("pruned").asInt());
        assertEquals(0.5, m.path("pruning").path("achieved_sparsity").asDouble());
        assertEquals(ModelLocation.sha256(Files.readAllBytes(out.resolve("model.onnx"))),
                m.path("files").path("model").path("sha256").asText());
        ModelProto pruned = ModelProto.parseFrom(Files.readAllBytes(out.resolve("model.onnx")));
        var layers = LinearLayers.find(pruned.getGraph());
        assertEquals(2, layers.size());
        for (var init : pruned.getGraph().getInitializerList()) {
            if (init.getName().startsWith("w")) {
                float[] rows = layers.get(init.getName().equals("w1") ? 0 : 1).toRows(LinearLayers.floats(init));
                assertEquals(32, Pruning.zeros(rows));
                assertTrue(Pruning.followsNm(rows, H, 2, 4));
            }
        }
        try (EncoderModel e = OfflineModels.encoder(out.toString())) {
            assertEquals(H, e.embedTexts(List.of("loads"))[0].length);
        }

        Path mag = tmp.resolve("mag");
        PruneModelCommand.main(new String[] {src.toString(), mag.toString(), "--method", "magnitude", "--sparsity", "0.3"});
        JsonNode mm = new ObjectMapper().readTree(mag.resolve("manifest.json").toFile());
        assertEquals(2 * 19, mm.path("pruning").path("pruned").asInt()); // round(0.3 * 64) = 19 per layer
        assertTrue(mm.path("pruning").path("calibration").isMissingNode());
    }

    /**
     * {@code --quantize int8 --head-data}: the int8 directory keeps the 2:4 zeros exactly, carries a head fitted
     * for it, and loads through the service's loader ({@code shears.model.location} → {@link EncoderModel#load})
     * with batching on, i.e. rewritten to per-token quantization.
     */
    @Test
    void quantizesToInt8WithAFittedHeadAndServesLikeAnyModelDirectory() throws Exception {
        Path src = tinyEncoder(tmp.resolve("src"));
        Path data = tmp.resolve("train.tsv");
        Files.writeString(data, "QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel\n"
                + "Q1\twhere do cats sit?\tD1\tCats\tD1-0\tThe cat sat on the mat.\t1\n"
                + "Q1\twhere do cats sit?\tD1\tCats\tD1-1\tDogs bark at night.\t0\n"
                + "Q2\twhen do dogs bark?\tD2\tDogs\tD2-0\tDogs bark at night.\t1\n"
                + "Q2\twhen do dogs bark?\tD2\tDogs\tD2-1\tThe moon is bright.\t0\n"
                + "Q2\twhen do dogs bark?\tD2\tDogs\tD2-2\tCats sleep all day.\t0\n");
        Path out = tmp.resolve("int8");
        PruneModelCommand.main(new String[] {src.toString(), out.toString(), "--method", "magnitude", "--nm", "2:4",
                "--quantize", "int8", "--head-data", data.toString()});
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("tiny-magnitude-2of4-int8", m.path("id").asText());
        assertTrue(m.path("rowwise_quantization").asBoolean());
        assertEquals(64, m.path("quantization").path("int8_zeros").asInt());
        assertEquals(0, m.path("quantization").path("rounded_to_zero").asInt());
        assertEquals(7, m.path("sentence_head").path("weights").size());
        assertTrue(m.path("sentence_head").path("training").path("command").asText().contains("--head-data"));
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(out.resolve("model.onnx")));
        assertTrue(LinearLayers.find(model.getGraph()).isEmpty(), "no float linear layer is left");
        for (var init : model.getGraph().getInitializerList()) {
            if (init.getName().equals(DynamicQuantization.quantizedName("w1")) || init.getName().equals(DynamicQuantization.quantizedName("w2"))) {
                byte[] q = init.getRawData().toByteArray();
                float[] asFloat = new float[q.length];
                for (int k = 0; k < q.length; k++) {
                    asFloat[k] = q[k];
                }
                float[] rows = new dev.shears.onnx.prune.LinearLayer("l", "x", init.getName(), H, H, false).toRows(asFloat);
                assertEquals(32, Pruning.zeros(rows));
                assertTrue(Pruning.followsNm(rows, H, 2, 4));
            }
        }
        List<String> texts = List.of("where do cats sit?", "The cat sat on the mat, and then it slept for a long time.");
        try (EncoderModel served = EncoderModel.load(ModelLocation.parse(out.toString()), RuntimeOptions.cpu(1), 8, 4096);
                EncoderModel single = OfflineModels.encoder(out.toString())) {
            float[][] batched = served.embedTexts(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = single.embedTexts(List.of(texts.get(i)))[0];
                double cosine = 0;
                double norm = 0;
                for (int d = 0; d < H; d++) {
                    cosine += alone[d] * batched[i][d];
                    norm += alone[d] * alone[d];
                }
                assertEquals(1, norm, 1e-4, "a unit vector, not all zeros");
                assertTrue(cosine > 0.98, "per-token batched vs one per pass: " + cosine);
            }
        }
    }
}
