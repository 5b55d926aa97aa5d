package dev.shears.onnx.lm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shears.lm.ForwardingLanguageModel;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link LanguageModel} that remembers what it scored: {@link #score} results per (prompt, continuation),
 * {@link #scorePrompts} per text and {@link #countTokens} per text, so pruning one chain at several budgets runs
 * the model once. Bounded by weight (bytes of key text and scored tokens); {@link #sample} is never cached.
 * A batch's misses go to the model together, in one call. Thread-safe when the model is.
 */
public final class CachingLanguageModel extends ForwardingLanguageModel {

    private enum Kind { SCORE, PROMPT, COUNT }

    private record Key(Kind kind, String prompt, String text) {}

    private final Cache<Key, Object> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public CachingLanguageModel(LanguageModel model, long maxBytes) {
        super(model);
        this.cache = Caffeine.newBuilder().maximumWeight(maxBytes).weigher(CachingLanguageModel::weight)
                .executor(Runnable::run).build(); // evict on the caller's thread: the bound holds when a call returns
    }

    @Override
    public List<ScoredText> score(List<ScoringRequest> batch) {
        return cached(batch.stream().map(r -> new Key(Kind.SCORE, r.prompt(), r.continuation())).toList(),
                missing -> delegate.score(missing.stream().map(k -> new ScoringRequest(k.prompt(), k.text())).toList()));
    }

    @Override
    public List<ScoredText> scorePrompts(List<String> texts) {
        return cached(texts.stream().map(t -> new Key(Kind.PROMPT, "", t)).toList(),
                missing -> delegate.scorePrompts(missing.stream().map(Key::text).toList()));
    }

    @Override
    public int countTokens(String text) {
        return cached(List.of(new Key(Kind.COUNT, "", text)), missing -> List.of(delegate.countTokens(text))).get(0);
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> cached(List<Key> keys, Function<List<Key>, List<T>> compute) {
        Map<Key, Object> found = new LinkedHashMap<>(cache.getAllPresent(keys));
        List<Key> missing = keys.stream().filter(k -> !found.containsKey(k)).distinct().toList();
        hits.add(keys.size() - missing.size());
        misses.add(missing.size());
        if (!missing.isEmpty()) {
            List<T> computed = compute.apply(missing);
            for (int i = 0; i < missing.size(); i++) {
                found.put(missing.get(i), computed.get(i));
                cache.put(missing.get(i), computed.get(i));
            }
        }
        List<T> out = new ArrayList<>(keys.size());
        for (Key k : keys) {
            out.add((T) found.get(k));
        }
        return out;
    }

    /** Requests answered without the model (a key repeated within one batch is a miss once, then hits). */
    public long hits() {
        return hits.sum();
    }

    /** Requests that went to the model. */
    public long misses() {
        return misses.sum();
    }

    private static int weight(Key k, Object value) {
        long bytes = 64 + 2L * (k.prompt().length() + k.text().length());
        if (value instanceof ScoredText scored) {
            for (TokenLogProb t : scored.tokens()) {
                bytes += 48 + 2L * t.token().length();
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
