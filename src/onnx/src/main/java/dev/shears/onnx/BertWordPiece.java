package dev.shears.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * BERT WordPiece tokenization in plain Java for the texts where it provably equals the Rust tokenizer: text
 * made only of characters this class knows (ASCII, Latin, Greek, Cyrillic, general punctuation and symbols up
 * to the mathematical operators; not other scripts, not CJK, not surrogate pairs) with no added-token string
 * in it. Everything else goes to the Rust tokenizer. Why: a native call costs about 0.1 ms per sentence on a
 * small CPU, most of a request's time outside inference; this path is about ten times cheaper and keeps ids
 * bit-identical (tested against the Rust tokenizer on all of WikiQA, on every known character in several
 * contexts, and on random text).
 *
 * <p>Only a {@code tokenizer.json} of exactly this shape gets a fast path: {@code BertNormalizer} with
 * {@code clean_text}, {@code BertPreTokenizer} and a {@code WordPiece} model. The normalizer works character by
 * character on known characters, so it is a table: control and format characters are dropped, Unicode white
 * space becomes a space, accents are stripped (decomposition, then non-spacing marks dropped) and letters
 * lowercased when the tokenizer does so. The pre-tokenizer splits on spaces and isolates every punctuation
 * character: in ASCII every printable character that is neither a letter, a digit nor a space, elsewhere the
 * Unicode punctuation categories.
 */
final class BertWordPiece {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Characters below this one may take the fast path (those the normalizer table covers). */
    private static final char KNOWN = '\u2300';
    /** Unicode White_Space below {@link #KNOWN}, beyond ASCII (U+0085 is also a control character: dropped). */
    private static final String WHITE_SPACE = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
            + "\u2028\u2029\u202f\u205f";

    /** Vocabulary entries that may start a word. */
    private final PieceTable initial;
    /** Entries that continue a word, stored without their prefix ({@code ##ing} as {@code ing}). */
    private final PieceTable continuing;
    private final int unkId;
    private final int maxCharsPerWord;
    private final boolean lowercase;
    private final List<String> addedTokens;
    /** Indexed by an ASCII character: whether some added token starts with it. */
    private final boolean[] addedTokenStarts = new boolean[128];
    /** Per non-ASCII character below {@link #KNOWN}: what the normalizer makes of it ("" dropped), null if unknown. */
    private final String[] normalized = new String[KNOWN];
    /** Per character below {@link #KNOWN}: punctuation, which the pre-tokenizer isolates. */
    private final boolean[] punctuation = new boolean[KNOWN];

    private BertWordPiece(PieceTable initial, PieceTable continuing, int unkId, int maxCharsPerWord, boolean lowercase,
            boolean stripAccents, List<String> addedTokens) {
        this.initial = initial;
        this.continuing = continuing;
        this.unkId = unkId;
        this.maxCharsPerWord = maxCharsPerWord;
        this.lowercase = lowercase;
        this.addedTokens = addedTokens;
        addedTokens.forEach(t -> addedTokenStarts[t.charAt(0) & 0x7f] = true);
        for (char c = 0; c < KNOWN; c++) {
            punctuation[c] = c < 0x80 ? c > ' ' && c < 0x7f && !isLetterOrDigit(c) : isPunctuation(c);
        }
        // added tokens are matched on ASCII text only; with a non-ASCII one, all non-ASCII text goes to Rust
        if (addedTokens.stream().allMatch(t -> t.chars().allMatch(c -> c < 0x80))) {
            for (char c = 0x80; c < KNOWN; c++) {
                normalized[c] = normalizeOne(c, stripAccents, lowercase);
            }
        }
    }

    /** The fast path for this tokenizer, or empty when its pipeline is not plain BERT WordPiece. */
    static Optional<BertWordPiece> of(byte[] tokenizerJson) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (IOException e) {
            return Optional.empty();
        }
        JsonNode normalizer = root.path("normalizer");
        JsonNode model = root.path("model");
        JsonNode vocab = model.path("vocab");
        boolean bert = "BertNormalizer".equals(normalizer.path("type").asText())
                && normalizer.path("clean_text").asBoolean(false)
                && "BertPreTokenizer".equals(root.path("pre_tokenizer").path("type").asText())
                && "WordPiece".equals(model.path("type").asText())
                && vocab.isObject();
        JsonNode unk = bert ? vocab.get(model.path("unk_token").asText()) : null;
        if (unk == null || !unk.isInt()) {
            return Optional.empty();
        }
        String prefix = model.path("continuing_subword_prefix").asText("##");
        int continuingEntries = 0;
        for (var names = vocab.fieldNames(); names.hasNext(); ) {
            continuingEntries += isContinuing(names.next(), prefix) ? 1 : 0;
        }
        // each table sized to its own entries: the smaller they are, the more of them stays in cache
        PieceTable initial = new PieceTable(vocab.size() - continuingEntries);
        PieceTable continuing = new PieceTable(continuingEntries);
        vocab.fields().forEachRemaining(e -> {
            String piece = e.getKey();
            // a word never starts with the prefix (its characters are punctuation), so each entry needs one table
            if (isContinuing(piece, prefix)) {
                continuing.put(piece.substring(prefix.length()), e.getValue().asInt());
            } else {
                initial.put(piece, e.getValue().asInt());
            }
        });
        List<String> added = new ArrayList<>();
        root.path("added_tokens").forEach(t -> added.add(t.path("content").asText().toLowerCase(Locale.ROOT)));
        added.removeIf(String::isEmpty);
        boolean lowercase = normalizer.path("lowercase").asBoolean(true);
        JsonNode strip = normalizer.path("strip_accents");
        // strip_accents unset (null) follows lowercase, as in the reference
        boolean stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
        return Optional.of(new BertWordPiece(initial, continuing, unk.asInt(), model.path("max_input_chars_per_word").asInt(100),
                lowercase, stripAccents, added));
    }

    private static boolean isContinuing(String piece, String prefix) {
        return !prefix.isEmpty() && piece.startsWith(prefix) && piece.length() > prefix.length();
    }

    /** Token ids without special tokens, or null when this text must go to the Rust tokenizer. */
    long[] ids(String text) {
        char[] chars = normalize(text);
        if (chars == null || containsAddedToken(chars)) {
            return null;
        }
        Ids out = new Ids(chars.length / 3 + 4);
        int[] prefixHashes = new int[Math.max(initial.longest, continuing.longest) + 1];
        int wordStart = -1;
        for (int i = 0; i <= chars.length; i++) {
            char c = i < chars.length ? chars[i] : ' ';
            if (c > ' ' && !punctuation[c]) {
                if (wordStart < 0) {
                    wordStart = i;
                }
                continue;
            }
            if (wordStart >= 0) {
                wordPieces(chars, wordStart, i, prefixHashes, out);
                wordStart = -1;
            }
            if (c > ' ') {
                wordPieces(chars, i, i + 1, prefixHashes, out);
            }
            // else a space, tab, CR or LF: a separator, dropped
        }
        return out.toArray();
    }

    /**
     * The text as the normalizer leaves it (ASCII: control characters other than tab, CR and LF removed,
     * lowercased when the tokenizer lowercases). Null when some character is not known here.
     */
    private char[] normalize(String text) {
        char[] out = new char[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if ((c < ' ' && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                    continue;
                }
                out[n++] = lowercase ? lower(c) : c;
                continue;
            }
            String mapped = c < KNOWN ? normalized[c] : null;
            if (mapped == null) {
                return null;
            }
            int room = n + mapped.length() + text.length() - i - 1; // the rest of the text at one character each
            if (room > out.length) {
                out = Arrays.copyOf(out, room);
            }
            mapped.getChars(0, mapped.length(), out, n);
            n += mapped.length();
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * What the BERT normalizer makes of one non-ASCII character, or null when this class does not vouch for it:
     * unassigned or private-use characters (the Unicode versions of Java and Rust may disagree on them) and
     * characters that normalize to something outside the table.
     */
    private static String normalizeOne(char c, boolean stripAccents, boolean lowercase) {
        int type = Character.getType(c);
        if (!inKnownBlocks(c) || type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
            return null;
        }
        if (type == Character.CONTROL || type == Character.FORMAT) {
            return "";
        }
        if (WHITE_SPACE.indexOf(c) >= 0) {
            return " ";
        }
        String s = String.valueOf(c);
        if (stripAccents) {
            StringBuilder kept = new StringBuilder();
            Normalizer.normalize(s, Normalizer.Form.NFD).chars()
                    .filter(d -> Character.getType(d) != Character.NON_SPACING_MARK)
                    .forEach(d -> kept.append((char) d));
            s = kept.toString();
        }
        if (lowercase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        for (int i = 0; i < s.length(); i++) {
            char d = s.charAt(i);
            if (d >= KNOWN || (d >= 0x80 && Character.getType(d) == Character.UNASSIGNED)) {
                return null;
            }
        }
        return s;
    }

    /**
     * Latin, IPA, combining diacritics, Greek and Cyrillic (below U+0530), Latin and Greek extended, general
     * punctuation, currency, letterlike and number forms, arrows and mathematical operators (U+1E00 to U+22FF).
     * The scripts between are left to Rust: some of their characters changed category in Unicode versions
     * newer than the reference's tables, which a test over every character here would catch.
     */
    private static boolean inKnownBlocks(char c) {
        return c < '\u0530' || (c >= '\u1e00' && c < KNOWN);
    }

    private static boolean isPunctuation(char c) {
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** Whether an added token ({@code [SEP]}, ...) occurs, compared without case so that no match is missed. */
    private boolean containsAddedToken(char[] chars) {
        for (int i = 0; i < chars.length; i++) {
            char first = lower(chars[i]);
            if (first >= 0x80 || !addedTokenStarts[first]) {
                continue;
            }
            for (String added : addedTokens) {
                if (added.charAt(0) == first && startsWith(chars, i, added)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean startsWith(char[] chars, int at, String lowerCase) {
        if (at + lowerCase.length() > chars.length) {
            return false;
        }
        for (int k = 1; k < lowerCase.length(); k++) {
            if (lower(chars[at + k]) != lowerCase.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /**
     * Greedy longest-match-first split of {@code chars[start, end)}; a word with an unmatched rest, or longer
     * than the model allows, is one unknown token. {@code prefixHashes} is scratch space, one slot more than
     * the longest vocabulary entry.
     */
    private void wordPieces(char[] chars, int start, int end, int[] prefixHashes, Ids out) {
        if (end - start > maxCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        for (int at = start; at < end; ) {
            PieceTable table = at == start ? initial : continuing;
            int longest = Math.min(end - at, table.longest);
            for (int k = 1; k <= longest; k++) {
                prefixHashes[k] = 31 * prefixHashes[k - 1] + chars[at + k - 1];
            }
            // longest first, as the reference does: a whole word in the vocabulary is one lookup
            int id = -1;
            int stop = at + longest;
            for (; stop > at && (id = table.get(chars, at, stop, prefixHashes[stop - at])) < 0; stop--) {
                // shorter
            }
            if (id < 0) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(id);
            at = stop;
        }
    }

    /**
     * Open-addressing map from a char range to a token id, so lookups allocate nothing. A slot's hash, key
     * position, key length and id sit side by side and the keys' characters lie in one array, so a lookup
     * touches two cache lines.
     */
    private static final class PieceTable {
        private static final int HASH = 0;
        private static final int START = 1;
        private static final int LENGTH = 2;
        private static final int ID = 3;

        private final int[] slots;
        private char[] pool = new char[1 << 16];
        private int poolSize;
        private final int shift;
        private final int mask;
        int longest;

        PieceTable(int entries) {
            int bits = 32 - Integer.numberOfLeadingZeros(Math.max(4, entries) * 2 - 1); // load factor 0.25 to 0.5
            slots = new int[4 << bits];
            shift = 32 - bits;
            mask = (1 << bits) - 1;
        }

        void put(String piece, int id) {
            char[] key = piece.toCharArray();
            int hash = hash(key);
            int slot = slot(hash);
            while (slots[4 * slot + LENGTH] != 0 && !matches(4 * slot, key, 0, key.length, hash)) {
                slot = (slot + 1) & mask;
            }
            if (poolSize + key.length > pool.length) {
                pool = Arrays.copyOf(pool, pool.length * 2);
            }
            System.arraycopy(key, 0, pool, poolSize, key.length);
            int at = 4 * slot;
            slots[at + HASH] = hash;
            slots[at + START] = poolSize;
            slots[at + LENGTH] = key.length;
            slots[at + ID] = id;
            poolSize += key.length;
            longest = Math.max(longest, key.length);
        }

        /** The id of {@code chars[from, to)} whose {@code String.hashCode}-style hash is {@code hash}, or -1. */
        int get(char[] chars, int from, int to, int hash) {
            for (int slot = slot(hash); slots[4 * slot + LENGTH] != 0; slot = (slot + 1) & mask) {
                if (matches(4 * slot, chars, from, to, hash)) {
                    return slots[4 * slot + ID];
                }
            }
            return -1;
        }

        /** A plain loop: keys are a few characters long, too short for the vectorised {@code Arrays.equals} to pay. */
        private boolean matches(int at, char[] chars, int from, int to, int hash) {
            if (slots[at + HASH] != hash || slots[at + LENGTH] != to - from) {
                return false;
            }
            for (int i = 0, k = slots[at + START]; i < to - from; i++, k++) {
                if (pool[k] != chars[from + i]) {
                    return false;
                }
            }
            return true;
        }

        /** Fibonacci hashing: short keys have small, clustered polynomial hashes; this spreads them. */
        private int slot(int hash) {
            return (hash * 0x9E3779B9) >>> shift;
        }

        private static int hash(char[] key) {
            int h = 0;
            for (char c : key) {
                h = 31 * h + c;
            }
            return h;
        }
    }

    /** A growable list of ints. */
    private static final class Ids {
        private int[] values;
        private int size;

        Ids(int capacity) {
            values = new int[capacity];
        }

        void add(int id) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = id;
        }

        int size() {
            return size;
        }

        void truncate(int newSize) {
            size = newSize;
        }

        long[] toArray() {
            long[] out = new long[size];
            for (int i = 0; i < size; i++) {
                out[i] = values[i];
            }
            return out;
        }
    }
}
