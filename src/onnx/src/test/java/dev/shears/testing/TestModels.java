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
    /** GPT-2 style with room for whole GSM8K chains (bytes are tokens, so 64 positions are too few). */
    public static final DecoderConfig GPT2_LONG = DecoderConfig.gpt2(ByteLevelTokenizerJson.SIZE, 32, 2, 4, 1024, false);

    /** An exported decoder: weights plus separate (no-past + with-past) and merged directories. */
    public record Exported(DecoderWeights weights, Path separate, Path merged) {
    }

    private static final Map<DecoderConfig.Family, Exported> CACHE = new EnumMap<>(DecoderConfig.Family.class);
    private static Path longContext;

    private TestModels() {
    }

    public static synchronized Exported get(DecoderConfig.Family family) {
        return CACHE.computeIfAbsent(family, f -> {
            DecoderWeights w = DecoderWeights.random(f == DecoderConfig.Family.GPT2 ? GPT2 : LLAMA, 1234);
            Path root = tempDirectory("shears-lm-" + f.name().toLowerCase());
            Path separate = export(w, root.resolve("separate"), DecoderExporter.Variant.NO_PAST,
                    DecoderExporter.Variant.WITH_PAST);
            return new Exported(w, separate, export(w, root.resolve("merged"), DecoderExporter.Variant.MERGED));
        });
    }

    /** The directory of a {@link #GPT2_LONG} export (separate variant). */
    public static synchronized Path longContext() {
        if (longContext == null) {
            longContext = export(DecoderWeights.random(GPT2_LONG, 1234),
                    tempDirectory("shears-lm-long").resolve("gpt2-long"), DecoderExporter.Variant.NO_PAST,
                    DecoderExporter.Variant.WITH_PAST);
        }
        return longContext;
    }

    private static Path tempDirectory(String prefix) {
        try {
            Path root = Files.createTempDirectory(prefix);
            root.toFile().deleteOnExit();
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path export(DecoderWeights w, Path dir, DecoderExporter.Variant... variants) {
        try {
            DecoderExporter.export(w, dir, variants);
            dir.toFile().deleteOnExit(); // before its files: deleteOnExit runs in reverse order
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().deleteOnExit());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
