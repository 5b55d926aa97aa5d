package dev.shears.lm;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates log-probs a client sent with a request (OpenAI {@code logprobs.content[]} style: token text plus
 * log-prob per token) and turns them into {@link TokenLogProb}s with offsets into the concatenated token texts.
 */
public final class ClientLogProbs {

    /** One entry as the client sent it; {@code tokenId} may be null when the client has no ids. */
    public record Entry(String token, Double logprob, Integer tokenId) {
        public static Entry of(String token, double logprob) {
            return new Entry(token, logprob, null);
        }
    }

    private ClientLogProbs() {
    }

    /**
     * Checks every entry: non-null, non-empty token text, a finite log-prob that is &lt;= 0. Offsets are
     * assigned by concatenating the token texts; ids default to -1 when absent.
     *
     * @throws LanguageModelException EMPTY_INPUT for no entries, INVALID_INPUT naming the index and value otherwise
     */
    public static List<TokenLogProb> validate(List<Entry> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new LanguageModelException(LanguageModelException.Kind.EMPTY_INPUT,
                    "client log-probs: no tokens given");
        }
        List<TokenLogProb> out = new ArrayList<>(entries.size());
        int offset = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e == null) {
                throw invalid("client log-probs: entry " + i + " is null");
            }
            if (e.token() == null || e.token().isEmpty()) {
                throw invalid("client log-probs: token " + i + " has empty text");
            }
            Double lp = e.logprob();
            if (lp == null) {
                throw invalid("client log-probs: token " + i + " (" + quote(e.token()) + ") has no logprob");
            }
            if (!Double.isFinite(lp)) {
                throw invalid("client log-probs: token " + i + " (" + quote(e.token()) + ") has non-finite logprob "
                        + lp);
            }
            if (lp > 0) {
                throw invalid("client log-probs: token " + i + " (" + quote(e.token()) + ") has logprob " + lp
                        + " > 0; log-probabilities must be <= 0");
            }
            int id = e.tokenId() == null ? -1 : e.tokenId();
            out.add(new TokenLogProb(id, e.token(), offset, offset + e.token().length(), lp));
            offset += e.token().length();
        }
        return out;
    }

    private static LanguageModelException invalid(String msg) {
        return new LanguageModelException(LanguageModelException.Kind.INVALID_INPUT, msg);
    }

    private static String quote(String s) {
        String shortened = s.length() > 20 ? s.substring(0, 20) + "..." : s;
        return '"' + shortened.replace("\n", "\\n") + '"';
    }
}
