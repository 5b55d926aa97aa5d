package dev.shears.lm;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates log-probs a client sent with a request (OpenAI {@code logprobs.content[]} style: token text plus
 * log-prob per token) and turns them into {@link TokenLogProb}s with offsets into the concatenated token texts.
 */
public final class ClientLogProbs {

    /**
     * One entry as the client sent it; {@code tokenId} may be null when the client has no ids, {@code bytes} null
     * when it sent none (OpenAI sends each token's UTF-8 bytes, which is what makes a token that ends inside a
     * multi-byte character line up with the text).
     */
    public record Entry(String token, Double logprob, Integer tokenId, byte[] bytes) {
        public Entry(String token, Double logprob, Integer tokenId) {
            this(token, logprob, tokenId, null);
        }

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

    /**
     * Validates the entries and places them on {@code text}, which they must spell exactly: by their bytes when
     * every entry has them (a token may then end inside a character; a character belongs to the token holding its
     * first byte), else by their token texts. Offsets are UTF-16 indices into {@code text}.
     *
     * @throws LanguageModelException INVALID_INPUT saying at which character and token text and tokens diverge
     */
    public static List<TokenLogProb> alignTo(String text, List<Entry> entries) {
        List<TokenLogProb> checked = validate(entries);
        boolean bytes = entries.stream().allMatch(e -> e.bytes() != null);
        if (!bytes) {
            int at = 0;
            for (int i = 0; i < checked.size(); i++) {
                String token = checked.get(i).token();
                if (!text.startsWith(token, at)) {
                    throw diverge(text, at + commonPrefix(text, at, token), i);
                }
                at += token.length();
            }
            if (at != text.length()) {
                throw diverge(text, at, checked.size());
            }
            return checked;
        }
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int[] charOfByte = new int[utf8.length + 1]; // the char index a byte belongs to starting at or after it
        int b = 0;
        for (int c = 0; c < text.length(); c++) {
            int cp = text.codePointAt(c);
            int length = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            for (int k = 0; k < length; k++) {
                charOfByte[b + k] = k == 0 ? c : c + Character.charCount(cp);
            }
            b += length;
            if (Character.charCount(cp) == 2) {
                c++;
            }
        }
        charOfByte[utf8.length] = text.length();
        List<TokenLogProb> out = new ArrayList<>(checked.size());
        int at = 0;
        for (int i = 0; i < checked.size(); i++) {
            byte[] token = entries.get(i).bytes();
            for (int k = 0; k < token.length; k++) {
                if (at + k >= utf8.length || utf8[at + k] != token[k]) {
                    throw diverge(text, charOfByte[Math.min(at + k, utf8.length)], i);
                }
            }
            TokenLogProb t = checked.get(i);
            out.add(new TokenLogProb(t.tokenId(), t.token(), charOfByte[at], charOfByte[at + token.length], t.logProb()));
            at += token.length;
        }
        if (at != utf8.length) {
            throw diverge(text, charOfByte[at], checked.size());
        }
        return out;
    }

    private static int commonPrefix(String text, int at, String token) {
        int k = 0;
        while (k < token.length() && at + k < text.length() && text.charAt(at + k) == token.charAt(k)) {
            k++;
        }
        return k;
    }

    private static LanguageModelException diverge(String text, int at, int token) {
        String where = at >= text.length() ? "the end of the text" : "character " + at + " ("
                + quote(text.substring(at, Math.min(text.length(), at + 20))) + ")";
        return invalid("client log-probs do not spell the text: they diverge at " + where + ", token " + token
                + "; send the log-probs of exactly this text's tokens, with their 'bytes'");
    }

    private static LanguageModelException invalid(String msg) {
        return new LanguageModelException(LanguageModelException.Kind.INVALID_INPUT, msg);
    }

    private static String quote(String s) {
        String shortened = s.length() > 20 ? s.substring(0, 20) + "..." : s;
        return '"' + shortened.replace("\n", "\\n") + '"';
    }
}
