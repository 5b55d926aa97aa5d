package dev.shears.onnx.lm;

import dev.shears.lm.Completion;
import dev.shears.lm.TokenLogProb;

import java.util.ArrayList;
import java.util.List;

/** The growing state of one sampled sequence: ids, log-probs, stop-string cut and finish reason. */
final class Generation {

    final List<Long> ids = new ArrayList<>();
    private final List<Double> logProbs = new ArrayList<>();
    String finishReason;
    /** Where a stop string begins in the decoded text, or -1. */
    private int cut = -1;

    /** Appends a token and checks the decoded text for the earliest stop string. */
    void add(int token, double logProb, LmTokenizer tokenizer, List<String> stops) {
        ids.add((long) token);
        logProbs.add(logProb);
        if (stops.isEmpty()) {
            return;
        }
        String text = tokenizer.decode(idArray(ids.size()));
        int earliest = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            cut = earliest;
            finishReason = Completion.STOP;
        }
    }

    private long[] idArray(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = ids.get(i);
        }
        return a;
    }

    /**
     * The completion: text (cut before a stop string) and tokens whose offsets come from decoding growing
     * prefixes; tokens starting at or after the cut are dropped.
     */
    Completion toCompletion(LmTokenizer tokenizer) {
        String full = tokenizer.decode(idArray(ids.size()));
        String text = cut >= 0 ? full.substring(0, cut) : full;
        List<TokenLogProb> tokens = new ArrayList<>(ids.size());
        int start = 0;
        for (int i = 0; i < ids.size(); i++) {
            int end = Math.min(tokenizer.decode(idArray(i + 1)).length(), full.length());
            end = Math.max(end, start);
            if (cut >= 0 && start >= cut) {
                break;
            }
            int clippedEnd = Math.min(end, text.length());
            tokens.add(new TokenLogProb(ids.get(i).intValue(), text.substring(start, clippedEnd), start, clippedEnd,
                    logProbs.get(i)));
            start = end;
        }
        return new Completion(text, tokens, finishReason == null ? Completion.LENGTH : finishReason);
    }
}
