package dev.shears.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Model outputs by input: a text's embedding under one model. Keys carry the model's checksum, so a cache
 * can never serve one model's vector for another. Bounded by weight (bytes of key text and vector), so a few
 * huge passages cannot crowd out everything else. A hit returns exactly what the model returned before, so
 * caching never changes a result.
 */
public final class EmbeddingCache {

    private record Key(String modelChecksum, String text) {}

    private final Cache<Key, float[]> cache;

    public EmbeddingCache(long maxBytes) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, float[] v) -> 64 + 2 * k.text().length() + 4 * v.length)
                .recordStats()
                .build();
    }

    /**
     * Looks every text up; computes the misses in one batch call and stores them. Returns vectors in input order.
     */
    public List<float[]> getAll(String modelChecksum, List<String> texts, Function<List<String>, List<float[]>> compute) {
        List<Key> keys = texts.stream().map(t -> new Key(modelChecksum, t)).toList();
        Map<Key, float[]> found = cache.getAll(keys, missing -> {
            List<Key> missList = new ArrayList<>(missing.size());
            missing.forEach(missList::add);
            List<float[]> vectors = compute.apply(missList.stream().map(Key::text).toList());
            Map<Key, float[]> computed = new java.util.HashMap<>();
            for (int i = 0; i < missList.size(); i++) {
                computed.put(missList.get(i), vectors.get(i));
            }
            return computed;
        });
        return keys.stream().map(found::get).toList();
    }

    public CacheStats stats() {
        return cache.stats();
    }

    public long estimatedSize() {
        return cache.estimatedSize();
    }
}
