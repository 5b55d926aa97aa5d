package dev.shears.reasoning;

import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.SamplingRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ASAP's anchor-guided coarse stage, wired into the fine stage (the released code computes it and then prunes the
 * original anyway). Given an anchor (a short direct solution, supplied or written by the model), an extractive pass
 * keeps the steps the anchor needs: the model extracts them when it can generate, otherwise a step is kept when at
 * least half of its words occur in the anchor. The result is accepted only if it is an order-preserving fuzzy
 * subsequence of the chain ({@link #matchSections}); otherwise the chain goes to the fine stage unchanged.
 */
final class CoarseStage {

    /** ASAP's acceptance threshold on the gestalt ratio of a compressed section to an original one. */
    static final double MATCH_RATIO = 0.6;
    static final double ANCHOR_OVERLAP = 0.5;
    private static final Pattern WORD = Pattern.compile("\\p{L}{2,}|\\d+(?:[.,]\\d+)*");

    record Result(boolean[] kept, PrunedReasoning.Coarse outcome) {}

    private CoarseStage() {}

    static Result run(String question, String text, List<Step> steps, boolean[] protect, String anchor,
            LanguageModel model, boolean generateAnchor) {
        boolean[] all = new boolean[steps.size()];
        java.util.Arrays.fill(all, true);
        if (anchor == null && generateAnchor) {
            if (model == null) {
                return new Result(all, PrunedReasoning.Coarse.skipped("no model to write an anchor"));
            }
            try {
                anchor = model.sample(SamplingRequest.greedy("Question: " + question
                        + "\n\nWrite a short, direct step-by-step solution.\n\nSolution:\n", 256)).get(0).text();
            } catch (LanguageModelException e) {
                return new Result(all, PrunedReasoning.Coarse.skipped("the model cannot write an anchor: " + e.getMessage()));
            }
        }
        if (anchor == null || anchor.isBlank()) {
            return new Result(all, PrunedReasoning.Coarse.skipped("no anchor"));
        }
        List<String> sections = steps.stream().map(s -> s.content(text)).toList();
        String method = "model";
        boolean[] kept = null;
        if (model != null) {
            try {
                String extract = model.sample(SamplingRequest.greedy(extractionPrompt(question, anchor, text),
                        Math.max(1, model.countTokens(text) + 64))).get(0).text();
                List<String> compressed = StepSplitter.split(extract).stream().map(s -> s.content(extract)).toList();
                int[] matched = compressed.isEmpty() ? null : matchSections(sections, compressed);
                if (matched == null) {
                    return new Result(all, new PrunedReasoning.Coarse("rejected", method, 0,
                            "the model's extract is not an order-preserving fuzzy subsequence of the chain"));
                }
                kept = new boolean[steps.size()];
                for (int m : matched) {
                    kept[m] = true;
                }
            } catch (LanguageModelException e) {
                if (e.kind() != LanguageModelException.Kind.UNSUPPORTED_MODE) {
                    throw e;
                }
            }
        }
        if (kept == null) {
            method = "anchor-overlap";
            Set<String> anchorWords = words(anchor);
            kept = new boolean[steps.size()];
            for (int i = 0; i < kept.length; i++) {
                Set<String> stepWords = words(sections.get(i));
                long shared = stepWords.stream().filter(anchorWords::contains).count();
                kept[i] = stepWords.isEmpty() || shared >= ANCHOR_OVERLAP * stepWords.size();
            }
        }
        int removed = 0;
        for (int i = 0; i < kept.length; i++) {
            kept[i] |= protect[i];
            removed += kept[i] ? 0 : 1;
        }
        return new Result(kept, new PrunedReasoning.Coarse("accepted", method, removed, null));
    }

    /**
     * ASAP's check: walks the compressed sections in order, advancing through the original ones until one matches
     * with a gestalt ratio of at least {@link #MATCH_RATIO}. Returns the matched original index of each compressed
     * section, or null when the walk runs off the end.
     */
    static int[] matchSections(List<String> original, List<String> compressed) {
        int[] matched = new int[compressed.size()];
        int pointer = 0;
        for (int c = 0; c < compressed.size(); c++) {
            while (pointer < original.size() && Gestalt.ratio(compressed.get(c), original.get(pointer)) < MATCH_RATIO) {
                pointer++;
            }
            if (pointer == original.size()) {
                return null;
            }
            matched[c] = pointer++;
        }
        return matched;
    }

    private static String extractionPrompt(String question, String anchor, String chain) {
        return "Question: " + question + "\n\nSolution:\n" + anchor + "\n\nReasoning:\n" + chain
                + "\n\nCopy the reasoning, keeping only the steps the solution needs and removing alternative paths."
                + " Copy kept steps word for word; do not paraphrase, reorder or add anything.\n\nPruned reasoning:\n";
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }
}
