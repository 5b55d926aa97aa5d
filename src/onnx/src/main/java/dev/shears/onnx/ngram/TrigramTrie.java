package dev.shears.onnx.ngram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reader of a word-trigram model in the sphinxbase binary trie format ({@code "Trie Language Model"}, written by
 * {@code sphinx_lm_convert}; CMU Sphinx's {@code en-us.lm.bin}), with standard Katz back-off. Immutable and
 * thread-safe; the trie is read in place from the file's bytes.
 *
 * <p>Layout (little-endian): header, order (1 byte), n-gram counts (int each), quantisation type (1 = 16-bit),
 * quantisation tables (65536 floats: bigram prob, bigram back-off, trigram prob), {@code unigrams + 1} records
 * {@code (float prob, float backoff, int next)}, the bigram and trigram layers as bit-packed arrays, then the
 * vocabulary as NUL-terminated strings. The trie is reversed: the children of unigram {@code w} are the bigrams
 * {@code (v, w)}, keyed by {@code v}; a bigram entry holds {@code P(w | v)}, the back-off weight of the context
 * {@code (v w)} and the range of its trigram children {@code (u, v, w)}, keyed by {@code u}. Entries of one parent
 * are sorted by word id. Weights are logarithms in base 1.0001 (sphinxbase's log base).
 */
public final class TrigramTrie {

    static final String HEADER = "Trie Language Model";
    /** log10 of the file's log base, 1.0001. */
    static final double LOG10_PER_UNIT = Math.log10(1.0001);
    static final double LN_PER_UNIT = Math.log(1.0001);
    public static final String SENTENCE_START = "<s>";
    public static final String SENTENCE_END = "</s>";

    private static final int QUANT_16 = 1;
    private static final int TABLE = 1 << 16;
    private static final int MASK_16 = TABLE - 1;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] mem;
    private final float[] uniProb;
    private final float[] uniBackoff;
    private final int[] uniNext;
    private final float[] bigramProbs;
    private final float[] bigramBackoffs;
    private final float[] trigramProbs;
    private final int bigramBase;
    private final int trigramBase;
    private final int wordBits;
    private final int wordMask;
    private final int nextMask;
    private final int bigramBits;
    private final int trigramBits;
    private final int bigramCount;
    private final int trigramCount;
    private final String[] words;
    private final Map<String, Integer> ids;
    private final float unknownUnits;

    private TrigramTrie(byte[] file) {
        this.mem = file;
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        byte[] header = new byte[HEADER.length()];
        buf.get(header);
        if (!HEADER.equals(new String(header, StandardCharsets.ISO_8859_1))) {
            throw new IllegalArgumentException("not a sphinxbase binary trie LM (header is not '" + HEADER + "')");
        }
        int order = buf.get() & 0xFF;
        if (order != 3) {
            throw new IllegalArgumentException("model has order " + order + "; only trigram models are supported");
        }
        int unigramCount = buf.getInt();
        bigramCount = buf.getInt();
        trigramCount = buf.getInt();
        int quant = buf.getInt();
        if (quant != QUANT_16) {
            throw new IllegalArgumentException("quantisation type " + quant + "; only 16-bit quantised tries are supported");
        }
        bigramProbs = floats(buf, TABLE);
        bigramBackoffs = floats(buf, TABLE);
        trigramProbs = floats(buf, TABLE);
        uniProb = new float[unigramCount + 1];
        uniBackoff = new float[unigramCount + 1];
        uniNext = new int[unigramCount + 1];
        for (int i = 0; i <= unigramCount; i++) {
            uniProb[i] = buf.getFloat();
            uniBackoff[i] = buf.getFloat();
            uniNext[i] = buf.getInt();
        }
        wordBits = requiredBits(unigramCount);
        wordMask = (1 << wordBits) - 1;
        nextMask = (1 << requiredBits(trigramCount)) - 1;
        bigramBits = wordBits + 32 + requiredBits(trigramCount); // word, back-off, prob, first child
        trigramBits = wordBits + 16;                              // word, prob
        bigramBase = buf.position();
        trigramBase = Math.toIntExact(bigramBase + layerBytes(bigramCount, bigramBits));
        buf.position(Math.toIntExact(trigramBase + layerBytes(trigramCount, trigramBits)));
        int vocabBytes = buf.getInt();
        if (vocabBytes <= 0 || vocabBytes > buf.remaining()) {
            throw new IllegalArgumentException("bad vocabulary size " + vocabBytes);
        }
        words = new String[unigramCount];
        ids = new HashMap<>(unigramCount * 2);
        int from = buf.position();
        int end = from + vocabBytes;
        int n = 0;
        for (int i = from; i < end; i++) {
            if (file[i] == 0) {
                if (n == unigramCount) {
                    throw new IllegalArgumentException("vocabulary holds more than " + unigramCount + " words");
                }
                words[n] = new String(file, from, i - from, StandardCharsets.UTF_8);
                ids.put(words[n], n);
                n++;
                from = i + 1;
            }
        }
        if (n != unigramCount) {
            throw new IllegalArgumentException("vocabulary holds " + n + " words, counts say " + unigramCount);
        }
        if (!ids.containsKey(SENTENCE_START)) {
            throw new IllegalArgumentException("vocabulary has no " + SENTENCE_START);
        }
        int start = ids.get(SENTENCE_START);
        float min = 0;
        for (int w = 0; w < unigramCount; w++) {
            if (w != start) {
                min = Math.min(min, uniProb[w]);
            }
        }
        unknownUnits = min;
    }

    /**
     * Parses a model file held in memory (kept, not copied).
     *
     * @throws IllegalArgumentException when the bytes are not a readable order-3, 16-bit quantised trie
     */
    public static TrigramTrie parse(byte[] file) {
        try {
            return new TrigramTrie(file);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("model file is truncated or corrupt (" + file.length + " bytes)", e);
        }
    }

    /**
     * log10 P(w | u v) with back-off: the trigram, else back-off(u v) + P(w | v); the bigram, else back-off(v) +
     * P(w). A context word of -1 is absent (sentence start is the word {@code <s>}, not -1); a {@code w} of -1 is a
     * word outside the vocabulary, scored as a unigram as rare as the rarest word ({@link #unknownLog10()}).
     */
    public double log10(int u, int v, int w) {
        return units(u, v, w) * LOG10_PER_UNIT;
    }

    /** Natural-log P(w | u v); see {@link #log10}. */
    public double ln(int u, int v, int w) {
        return units(u, v, w) * LN_PER_UNIT;
    }

    /** log10 of the unigram probability given to words outside the vocabulary: the rarest word's. */
    public double unknownLog10() {
        return unknownUnits * LOG10_PER_UNIT;
    }

    /** Id of a vocabulary word, -1 when the model does not know it. */
    public int wordId(String word) {
        Integer id = ids.get(word);
        return id == null ? -1 : id;
    }

    public String word(int id) {
        return words[id];
    }

    public int vocabularySize() {
        return words.length;
    }

    public int bigramCount() {
        return bigramCount;
    }

    public int trigramCount() {
        return trigramCount;
    }

    private double units(int u, int v, int w) {
        if (w < 0) {
            return unknownUnits + (v < 0 ? 0.0 : uniBackoff[v] + contextBackoff(u, v));
        }
        if (v < 0) {
            return uniProb[w];
        }
        int bigram = find(bigramBase, bigramBits, uniNext[w], uniNext[w + 1], v);
        if (bigram < 0) {
            return (double) uniProb[w] + uniBackoff[v] + contextBackoff(u, v);
        }
        long at = (long) bigram * bigramBits + wordBits;
        float prob = bigramProbs[bits(bigramBase, at + 16, MASK_16)];
        if (u < 0) {
            return prob;
        }
        int trigram = find(trigramBase, trigramBits, next(bigram), next(bigram + 1), u);
        if (trigram >= 0) {
            return trigramProbs[bits(trigramBase, (long) trigram * trigramBits + wordBits, MASK_16)];
        }
        return (double) prob + contextBackoff(u, v);
    }

    /** Back-off weight of the bigram context (u v); 0 when the model has no such bigram. */
    private float contextBackoff(int u, int v) {
        if (u < 0) {
            return 0f;
        }
        int bigram = find(bigramBase, bigramBits, uniNext[v], uniNext[v + 1], u);
        return bigram < 0 ? 0f : bigramBackoffs[bits(bigramBase, (long) bigram * bigramBits + wordBits, MASK_16)];
    }

    /** Index of the first trigram child of bigram {@code i} (entry {@code count} closes the last range). */
    private int next(int bigram) {
        return bits(bigramBase, (long) bigram * bigramBits + wordBits + 32, nextMask);
    }

    /** Binary search for {@code word} among entries {@code [begin, end)} of a layer. */
    private int find(int base, int entryBits, int begin, int end, int word) {
        int lo = begin;
        int hi = end - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int found = bits(base, (long) mid * entryBits, wordMask);
            if (found < word) {
                lo = mid + 1;
            } else if (found > word) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** A field of at most 25 bits; each layer is followed by 8 bytes of padding, so the 8-byte read stays inside. */
    private int bits(int base, long bitOffset, int mask) {
        long word = (long) LONG_LE.get(mem, base + (int) (bitOffset >>> 3));
        return (int) (word >>> (bitOffset & 7)) & mask;
    }

    /** One extra entry closes the last child range; +8 bytes of padding as sphinxbase writes it. */
    private static long layerBytes(int count, int entryBits) {
        return ((1L + count) * entryBits + 7) / 8 + 8;
    }

    private static int requiredBits(int max) {
        return max == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(max);
    }

    private static float[] floats(ByteBuffer buf, int n) {
        float[] out = new float[n];
        buf.asFloatBuffer().get(out);
        buf.position(buf.position() + 4 * n);
        return out;
    }
}
