package dev.shears.onnx.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingLanguageModelTest {

    /** One token per character, log-prob -(prompt length + position); counts what reaches it. */
    static final class CountingModel implements LanguageModel {
        final List<ScoringRequest> scored = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger scoreCalls = new AtomicInteger();
        final AtomicInteger counts = new AtomicInteger();
        final AtomicInteger samples = new AtomicInteger();

        @Override
        public List<ScoredText> score(List<ScoringRequest> batch) {
            scoreCalls.incrementAndGet();
            scored.addAll(batch);
            return batch.stream().map(r -> {
                List<TokenLogProb> tokens = new ArrayList<>();
                for (int i = 0; i < r.continuation().length(); i++) {
                    tokens.add(new TokenLogProb(r.continuation().charAt(i), r.continuation().substring(i, i + 1), i,
                            i + 1, -(r.prompt().length() + i)));
                }
                return new ScoredText(tokens);
            }).toList();
        }

        @Override
        public int countTokens(String text) {
            counts.incrementAndGet();
            return text.length();
        }

        @Override
        public List<Completion> sample(SamplingRequest r) {
            samples.incrementAndGet();
            return List.of(new Completion("x", List.of(), Completion.STOP));
        }

        @Override
        public int contextLength() {
            return 1000;
        }

        @Override
        public String id() {
            return "counting";
        }

        @Override
        public void close() {}
    }

    @Test
    void scoresEachPromptAndContinuationOnce() {
        CountingModel model = new CountingModel();
        CachingLanguageModel cached = new CachingLanguageModel(model, 1 << 20);
        ScoringRequest a = new ScoringRequest("q\n\n", "step one");
        ScoringRequest b = new ScoringRequest("q\n\n", "step two");
        List<ScoredText> first = cached.score(List.of(a, b, a));
        assertEquals(1, model.scoreCalls.get());
        assertEquals(List.of(a, b), model.scored, "a key repeated in one batch goes to the model once");
        assertEquals(model.score(List.of(a)).get(0), first.get(0));
        assertEquals(first.get(0), first.get(2));

        ScoringRequest c = new ScoringRequest("other\n\n", "step one");
        List<ScoredText> second = cached.score(List.of(b, c));
        assertSame(first.get(1), second.get(0));
        assertEquals(List.of(a, b, a, c), model.scored, "only the miss is scored (the direct call above added a)");
        assertEquals(2 + 1, cached.misses());
        assertEquals(1 + 1, cached.hits());
    }

    @Test
    void countsTokensOnceAndNeverCachesSampling() {
        CountingModel model = new CountingModel();
        CachingLanguageModel cached = new CachingLanguageModel(model, 1 << 20);
        assertEquals(5, cached.countTokens("hello"));
        assertEquals(5, cached.countTokens("hello"));
        assertEquals(1, model.counts.get());
        cached.sample(SamplingRequest.greedy("p", 4));
        cached.sample(SamplingRequest.greedy("p", 4));
        assertEquals(2, model.samples.get());
        assertEquals("counting", cached.id());
        assertEquals(1000, cached.contextLength());
    }

    @Test
    void staysWithinItsWeightBound() {
        CountingModel model = new CountingModel();
        // one entry weighs about 3.4 KB (64 tokens), so about two fit
        CachingLanguageModel cached = new CachingLanguageModel(model, 10_000);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 100; i++) {
                cached.score(List.of(new ScoringRequest("", String.format("text number %03d", i) + " ".repeat(48))));
            }
        }
        assertTrue(model.scoreCalls.get() >= 190, "nearly everything was evicted: " + model.scoreCalls.get());
    }

    @Test
    void concurrentCallersGetTheSameScores() throws Exception {
        CountingModel model = new CountingModel();
        CachingLanguageModel cached = new CachingLanguageModel(model, 1 << 20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<ScoredText>>> futures = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                int k = t % 4;
                futures.add(pool.submit(() -> cached.score(List.of(new ScoringRequest("p", "chain " + k)))));
            }
            for (int t = 0; t < futures.size(); t++) {
                assertEquals(model.score(List.of(new ScoringRequest("p", "chain " + t % 4))).get(0),
                        futures.get(t).get().get(0));
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(64, cached.hits() + cached.misses());
        assertTrue(cached.misses() >= 4, "each distinct chain missed at least once");
    }
}
