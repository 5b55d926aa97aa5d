package dev.shears.api;

import dev.shears.onnx.graph.ByteLevelTokenizerJson;
import dev.shears.onnx.graph.DecoderConfig;
import dev.shears.onnx.graph.DecoderExporter;
import dev.shears.onnx.graph.DecoderWeights;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Exports a seeded GPT-2 style decoder (hidden 32, 2 layers, context {@value #CONTEXT} tokens) into a temp
 * directory named {@value #MODEL_ID} and points {@code shears.lm.location} at it; deletes it afterwards.
 */
public class TinyDecoderResource implements QuarkusTestResourceLifecycleManager {

    public static final String MODEL_ID = "tiny-gpt2";
    public static final int CONTEXT = 128;

    private Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("shears-local-lm");
            Path dir = root.resolve(MODEL_ID);
            DecoderConfig config = DecoderConfig.gpt2(ByteLevelTokenizerJson.SIZE, 32, 2, 4, CONTEXT, false);
            DecoderExporter.export(DecoderWeights.random(config, 4242), dir);
            return Map.of("shears.lm.location", dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
