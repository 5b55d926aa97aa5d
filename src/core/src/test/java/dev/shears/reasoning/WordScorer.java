package dev.shears.reasoning;

import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scorer with known log-probs for hand-computed tests: tokens are whitespace-separated words (each with the
 * whitespace before it, as BPE tokenizers do), and a word's log-prob is given by a function of the word and
 * everything before it (prompt included). It cannot generate unless given an extractor.
 */
final class WordScorer implements LanguageModel {

    private static final Pattern TOKEN = Pattern.compile("\\s*\\S+|\\s+$");
    private final BiFunction<String, String, Double> logProb;
    private final String generated;
    final List<String> scoredTexts = new ArrayList<>();

    WordScorer(BiFunction<String, String, Double> logProb, String generated) {
        this.logProb = logProb;
        this.generated = generated;
    }

    /** Log-prob of a word from a table (default -1), whatever came before. */
    static WordScorer table(Map<String, Double> logProbs) {
        return new WordScorer((word, before) -> logProbs.getOrDefault(word, -1.0), null);
    }

    @Override
    public synchronized List<ScoredText> score(List<ScoringRequest> batch) {
        List<ScoredText> out = new ArrayList<>();
        for (ScoringRequest r : batch) {
            scoredTexts.add(r.continuation());
            List<TokenLogProb> tokens = new ArrayList<>();
            Matcher m = TOKEN.matcher(r.continuation());
            while (m.find()) {
                String word = m.group().strip();
                String before = r.prompt() + r.continuation().substring(0, m.start());
                tokens.add(new TokenLogProb(-1, m.group(), m.start(), m.end(), logProb.apply(word, before)));
            }
            out.add(new ScoredText(tokens));
        }
        return out;
    }

    @Override
    public List<Completion> sample(SamplingRequest r) {
        if (generated == null) {
            throw new LanguageModelException(LanguageModelException.Kind.UNSUPPORTED_MODE, "this scorer cannot generate");
        }
        return List.of(new Completion(generated, List.of(), Completion.STOP));
    }

    @Override
    public int countTokens(String text) {
        return (int) TOKEN.matcher(text).results().count();
    }

    @Override
    public int contextLength() {
        return 1 << 20;
    }

    @Override
    public String id() {
        return "word-scorer";
    }

    @Override
    public void close() {}
}
