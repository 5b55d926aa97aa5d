package dev.shears.onnx.encoder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Model outputs by input: the embeddings of one text unit (a query, or all sentences of one document) under
 * one model. Keys carry the model's checksum, so one model's vectors are never served for another. Bounded
 * by weight (bytes of key text and vectors), so a few huge documents cannot crowd out everything else.
 * Loads are single-flight: concurrent misses on one key run inference once.
 *
 * <p>A hit returns exactly what inference returned for the same unit, and the encoder's outputs do not depend
 * on batch composition (see {@code RowwiseQuantization}), so caching never changes a result.
 */
public final class EmbeddingCache {

    /** {@code context} distinguishes units with the same text (a document title, or "query"). */
    private record Key(String modelChecksum, String context, String text) {}

    private final Cache<Key, float[][]> cache;

    public EmbeddingCache(long maxBytes) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, float[][] v) -> weight(k, v))
                .recordStats()
                .build();
    }

    /** A text unit: its identity ({@code context}, {@code text}) and the model inputs (token ids) it expands to. */
    public record Unit(String context, String text, List<long[]> inputs) {}

    /**
     * The vectors of every unit, in order. Misses are computed together in one call of {@code compute}
     * (so they share forward passes) and stored.
     */
    public List<float[][]> getAll(String modelChecksum, List<Unit> units, Function<List<Unit>, List<float[][]>> compute) {
        Map<Key, Unit> byKey = new LinkedHashMap<>();
        List<Key> keys = new ArrayList<>(units.size());
        for (Unit u : units) {
            Key key = new Key(modelChecksum, u.context(), u.text());
            keys.add(key);
            byKey.putIfAbsent(key, u);
        }
        Map<Key, float[][]> found = cache.getAll(byKey.keySet(), missing -> {
            List<Key> missKeys = new ArrayList<>();
            missing.forEach(missKeys::add);
            List<float[][]> computed = compute.apply(missKeys.stream().map(byKey::get).toList());
            Map<Key, float[][]> loaded = new HashMap<>();
            for (int i = 0; i < missKeys.size(); i++) {
                loaded.put(missKeys.get(i), computed.get(i));
            }
            return loaded;
        });
        return keys.stream().map(found::get).toList();
    }

    public CacheStats stats() {
        return cache.stats();
    }

    public long estimatedSize() {
        return cache.estimatedSize();
    }

    private static int weight(Key k, float[][] v) {
        long bytes = 64 + 2L * (k.text().length() + k.context().length());
        for (float[] row : v) {
            bytes += 16 + 4L * row.length;
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
