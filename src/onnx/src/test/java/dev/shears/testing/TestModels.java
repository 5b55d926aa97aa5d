package dev.shears.testing;

import dev.shears.onnx.graph.ByteLevelTokenizerJson;
import dev.shears.onnx.graph.DecoderConfig;
import dev.shears.onnx.graph.DecoderExporter;
import dev.shears.onnx.graph.DecoderWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Tiny decoders exported once per test JVM into a temp directory (deleted on exit). */
public final class TestModels {

    public static final DecoderConfig GPT2 = DecoderConfig.gpt2(ByteLevelTokenizerJson.SIZE, 32, 2, 4, 64, false);
    public static final DecoderConfig LLAMA = DecoderConfig.llama(ByteLevelTokenizerJson.SIZE + 3, 48, 2, 4, 2, 96, 64);

    /** An exported decoder: weights plus separate (no-past + with-past) and merged directories. */
    public record Exported(DecoderWeights weights, Path separate, Path merged) {
    }

    private static final Map<DecoderConfig.Family, Exported> CACHE = new EnumMap<>(DecoderConfig.Family.class);

    private TestModels() {
    }

    public static synchronized Exported get(DecoderConfig.Family family) {
        return CACHE.computeIfAbsent(family, f -> {
            try {
                DecoderWeights w = DecoderWeights.random(f == DecoderConfig.Family.GPT2 ? GPT2 : LLAMA, 1234);
                Path root = Files.createTempDirectory("shears-lm-" + f.name().toLowerCase());
                root.toFile().deleteOnExit();
                Path separate = root.resolve("separate");
                Path merged = root.resolve("merged");
                DecoderExporter.export(w, separate);
                DecoderExporter.export(w, merged, DecoderExporter.Variant.MERGED);
                for (Path dir : new Path[]{separate, merged}) {
                    try (var files = Files.list(dir)) {
                        files.forEach(p -> p.toFile().deleteOnExit());
                    }
                    dir.toFile().deleteOnExit();
                }
                return new Exported(w, separate, merged);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
