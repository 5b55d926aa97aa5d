package dev.shears.tools.eval;

import dev.shears.pruning.DocumentScores;
import dev.shears.pruning.RelevanceModel;
import dev.shears.pruning.SplitDocument;
import dev.shears.pruning.StageClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Remembers a model's scores per (query, document) so threshold sweeps run inference once. Offline use only. */
final class CachingRelevanceModel implements RelevanceModel {

    private final RelevanceModel model;
    private final Map<List<String>, DocumentScores> cache = new HashMap<>();

    CachingRelevanceModel(RelevanceModel model) {
        this.model = model;
    }

    @Override
    public String id() {
        return model.id();
    }

    @Override
    public double defaultThreshold() {
        return model.defaultThreshold();
    }

    @Override
    public int countTokens(String text) {
        return model.countTokens(text);
    }

    @Override
    public List<DocumentScores> score(String query, List<SplitDocument> documents, StageClock clock) {
        List<DocumentScores> out = new ArrayList<>(documents.size());
        List<SplitDocument> misses = new ArrayList<>();
        for (SplitDocument d : documents) {
            if (!cache.containsKey(key(query, d))) {
                misses.add(d);
            }
        }
        if (!misses.isEmpty()) {
            List<DocumentScores> scored = model.score(query, misses, clock);
            for (int i = 0; i < misses.size(); i++) {
                cache.put(key(query, misses.get(i)), scored.get(i));
            }
        }
        for (SplitDocument d : documents) {
            out.add(cache.get(key(query, d)));
        }
        return out;
    }

    private static List<String> key(String query, SplitDocument d) {
        return List.of(query, String.valueOf(d.document().title()), d.document().text(), String.valueOf(d.sentences()));
    }
}
