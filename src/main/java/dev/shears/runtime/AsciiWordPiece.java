package dev.shears.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * BERT WordPiece tokenization in plain Java for the texts where it provably equals the Rust tokenizer: ASCII
 * text with no added-token string in it. Everything else goes to the Rust tokenizer. Why: a native call costs
 * about 0.1 ms per sentence on a small CPU, most of a request's time outside inference; this path is about
 * ten times cheaper and keeps ids bit-identical (tested against the Rust tokenizer on all of WikiQA and on
 * random ASCII).
 *
 * <p>Only a {@code tokenizer.json} of exactly this shape gets a fast path: {@code BertNormalizer} with
 * {@code clean_text}, {@code BertPreTokenizer} and a {@code WordPiece} model. On ASCII the normalizer reduces
 * to: drop control characters, turn tab, CR and LF into spaces, lowercase when asked (accent stripping and
 * CJK padding touch no ASCII character). The pre-tokenizer splits on spaces and isolates every punctuation
 * character, which in ASCII is every printable character that is neither a letter, a digit nor a space.
 */
final class AsciiWordPiece {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Integer> vocab;
    private final int unkId;
    private final String subwordPrefix;
    private final int maxCharsPerWord;
    private final boolean lowercase;
    private final List<String> addedTokens;

    private AsciiWordPiece(Map<String, Integer> vocab, int unkId, String subwordPrefix, int maxCharsPerWord, boolean lowercase,
            List<String> addedTokens) {
        this.vocab = vocab;
        this.unkId = unkId;
        this.subwordPrefix = subwordPrefix;
        this.maxCharsPerWord = maxCharsPerWord;
        this.lowercase = lowercase;
        this.addedTokens = addedTokens;
    }

    /** The fast path for this tokenizer, or empty when its pipeline is not plain BERT WordPiece. */
    static Optional<AsciiWordPiece> of(byte[] tokenizerJson) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (IOException e) {
            return Optional.empty();
        }
        JsonNode normalizer = root.path("normalizer");
        JsonNode model = root.path("model");
        boolean bert = "BertNormalizer".equals(normalizer.path("type").asText())
                && normalizer.path("clean_text").asBoolean(false)
                && "BertPreTokenizer".equals(root.path("pre_tokenizer").path("type").asText())
                && "WordPiece".equals(model.path("type").asText())
                && model.path("vocab").isObject();
        Integer unk = bert ? intOrNull(model.path("vocab").get(model.path("unk_token").asText())) : null;
        if (unk == null) {
            return Optional.empty();
        }
        Map<String, Integer> vocab = new HashMap<>(model.path("vocab").size() * 2);
        model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        List<String> added = new ArrayList<>();
        root.path("added_tokens").forEach(t -> added.add(t.path("content").asText().toLowerCase(Locale.ROOT)));
        return Optional.of(new AsciiWordPiece(vocab, unk, model.path("continuing_subword_prefix").asText("##"),
                model.path("max_input_chars_per_word").asInt(100), normalizer.path("lowercase").asBoolean(true), added));
    }

    private static Integer intOrNull(JsonNode node) {
        return node != null && node.isInt() ? node.asInt() : null;
    }

    /** Token ids without special tokens, or null when this text must go to the Rust tokenizer. */
    long[] ids(String text) {
        String cleaned = withoutControlCharacters(text);
        if (cleaned == null) {
            return null;
        }
        String lower = cleaned.toLowerCase(Locale.ROOT);
        for (String added : addedTokens) {
            if (!added.isEmpty() && lower.contains(added)) {
                return null;
            }
        }
        String normalized = lowercase ? lower : cleaned;
        List<Integer> out = new ArrayList<>(text.length() / 3 + 1);
        int wordStart = -1;
        for (int i = 0; i <= normalized.length(); i++) {
            char c = i < normalized.length() ? normalized.charAt(i) : ' ';
            boolean wordChar = Character.isLetterOrDigit(c);
            if (wordChar) {
                if (wordStart < 0) {
                    wordStart = i;
                }
                continue;
            }
            if (wordStart >= 0) {
                wordPieces(normalized, wordStart, i, out);
                wordStart = -1;
            }
            if (c > ' ') {
                wordPieces(normalized, i, i + 1, out);
            }
            // else a space, tab, CR or LF: a separator, dropped
        }
        long[] ids = new long[out.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = out.get(i);
        }
        return ids;
    }

    /**
     * The text as the normalizer's {@code clean_text} leaves it: control characters other than tab, CR and LF
     * removed. Null when the text is not ASCII.
     */
    private static String withoutControlCharacters(String text) {
        StringBuilder kept = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return null;
            }
            boolean control = (c < ' ' && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
            if (control && kept == null) {
                kept = new StringBuilder(text.length()).append(text, 0, i);
            } else if (!control && kept != null) {
                kept.append(c);
            }
        }
        return kept == null ? text : kept.toString();
    }

    /** Greedy longest-match-first split of {@code text[start, end)}; a word with an unmatched rest is one unknown token. */
    private void wordPieces(String text, int start, int end, List<Integer> out) {
        if (end - start > maxCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int at = start;
        while (at < end) {
            Integer id = null;
            int stop = end;
            for (; stop > at; stop--) {
                String piece = text.substring(at, stop);
                id = vocab.get(at == start ? piece : subwordPrefix + piece);
                if (id != null) {
                    break;
                }
            }
            if (id == null) {
                out.subList(mark, out.size()).clear();
                out.add(unkId);
                return;
            }
            out.add(id);
            at = stop;
        }
    }
}
