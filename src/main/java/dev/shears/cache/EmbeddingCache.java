package dev.shears.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.function.Supplier;

/**
 * Model outputs by input: the embeddings of one text unit (a query, or all sentences of one document) under
 * one model. Keys carry the model's checksum, so one model's vectors are never served for another. Bounded
 * by weight (bytes of key text and vectors), so a few huge documents cannot crowd out everything else.
 * Loads are single-flight: concurrent misses on one key run inference once.
 *
 * <p>A hit returns exactly what inference returned for the same unit, and a unit is always inferred in the
 * same batch composition (see {@code BiEncoderRelevanceModel}), so caching never changes a result.
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

    public float[][] get(String modelChecksum, String context, String text, Supplier<float[][]> compute) {
        return cache.get(new Key(modelChecksum, context, text), k -> compute.get());
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
