package dev.shears.onnx;

import dev.shears.onnx.encoder.OfflineModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.eval.WikiQa;
import dev.shears.testing.WikiQaFiles;
import dev.shears.onnx.graph.ByteLevelTokenizerJson;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java WordPiece path against the Rust tokenizer (the independent reference) on the embedded bge
 * tokenizer: the same ids for every text, on real data, on every character the table knows and on random text.
 */
class BertWordPieceTest {

    static byte[] json;
    static BertWordPiece fast;
    static TextTokenizer rust;
    static TextTokenizer combined;

    @BeforeAll
    @BeforeContainer
    static void load() {
        if (rust != null) {
            return;
        }
        ModelLocation location = ModelLocation.parse(OfflineModels.DEFAULT_MODEL);
        json = location.readVerified(location.manifest(), ModelManifest.TOKENIZER);
        fast = BertWordPiece.of(json).orElseThrow();
        rust = TextTokenizer.fromJson(json, "bge", false);
        combined = TextTokenizer.fromJson(json, "bge");
    }

    @AfterAll
    @AfterContainer
    static void close() {
        if (rust != null) {
            rust.close();
            combined.close();
            rust = null;
        }
    }

    @Test
    void every_wikiqa_text_gets_the_rust_ids_and_nearly_all_take_the_fast_path() throws Exception {
        List<String> texts = new ArrayList<>();
        for (String file : List.of("WikiQA-train.tsv.gz", "WikiQA-dev.tsv.gz")) {
            for (WikiQa.Question q : WikiQa.read(WikiQaFiles.require(file))) {
                texts.add(q.question());
                texts.add(q.passage());
                q.sentences().forEach(s -> texts.add(q.title() + ". " + s));
            }
        }
        List<long[]> expected = rust.ids(texts);
        List<long[]> actual = combined.ids(texts);
        int fastOnes = 0;
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), texts.get(i));
            fastOnes += fast.ids(texts.get(i)) != null ? 1 : 0;
        }
        assertTrue(texts.size() > 20_000, "read " + texts.size() + " texts");
        assertTrue(fastOnes > 0.99 * texts.size(), fastOnes + " of " + texts.size() + " texts took the fast path");
    }

    /** What the bi-encoder relies on to tokenize each sentence once: "Title. sentence" is "Title." then "sentence". */
    @Test
    void title_and_sentence_ids_joined_are_the_ids_of_the_joined_text() throws Exception {
        List<String> prefixes = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        for (WikiQa.Question q : WikiQa.read(WikiQaFiles.require("WikiQA-dev.tsv.gz"))) {
            for (String s : q.sentences()) {
                prefixes.add(q.title().strip() + ".");
                sentences.add(s);
            }
        }
        prefixes.add("Café Zürich.");
        sentences.add("Straße, naïve, 日本語 and [SEP] mixed in.");
        List<long[]> joined = rust.ids(java.util.stream.IntStream.range(0, prefixes.size())
                .mapToObj(i -> prefixes.get(i) + " " + sentences.get(i)).toList());
        List<long[]> prefixIds = combined.ids(prefixes);
        List<long[]> sentenceIds = combined.ids(sentences);
        for (int i = 0; i < joined.size(); i++) {
            long[] glued = java.util.stream.LongStream.concat(java.util.Arrays.stream(prefixIds.get(i)),
                    java.util.Arrays.stream(sentenceIds.get(i))).toArray();
            assertArrayEquals(joined.get(i), glued, prefixes.get(i) + " " + sentences.get(i));
        }
    }

    @Test
    void the_edges_of_the_normalizer_and_of_wordpiece_match() {
        List<String> cases = List.of("", " ", "Hello, World!", "U.S.A. 3.14 -- e-mail: a@b.c", "tab\there\r\nnew line",
                "ab\u0001cd\u007fef", "\u0000", "x" + "a".repeat(100), "a".repeat(101), "qzxqzxqzxqzx unaffable",
                "CamelCase ALLCAPS 123abc", "[not special] [cls", "~`!@#$%^&*()_+={}|\\:;\"'<>?/");
        for (String text : cases) {
            assertNotNull(fast.ids(text), text);
            assertArrayEquals(rust.ids(List.of(text)).get(0), fast.ids(text), text);
        }
        assertArrayEquals(new long[] {100}, fast.ids("a".repeat(101)), "a word over 100 characters is one [UNK]");
    }

    @Test
    void latin_greek_cyrillic_and_punctuation_take_the_fast_path() {
        for (String text : List.of("Café Zürich – naïve Straße", "ΟΔΟΣ οδός Σίσυφος.", "İstanbul, Ærø, Œuvre", "Москва — «город»",
                "Ǆemal ǅ ǆ", "50 °C ± 2 × 10⁻³ µm", "a\u00a0b\u2009c\u200bd\u00ade\u2028f", "“quoted” ‘single’ …", "e\u0301 combining")) {
            assertNotNull(fast.ids(text), text);
            assertArrayEquals(rust.ids(List.of(text)).get(0), fast.ids(text), text);
        }
    }

    /**
     * Every character the table knows, alone and in several contexts, under the tokenizer's own normalizer
     * settings and under cased and accent-keeping variants of the same tokenizer.json.
     */
    @Test
    void every_known_character_gets_the_rust_ids_in_context() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (String variant : List.of("as shipped", "cased", "keep accents")) {
            ObjectNode root = (ObjectNode) mapper.readTree(json);
            ObjectNode normalizer = (ObjectNode) root.get("normalizer");
            if (variant.equals("cased")) {
                normalizer.put("lowercase", false);
            } else if (variant.equals("keep accents")) {
                normalizer.put("strip_accents", false);
            }
            byte[] variantJson = mapper.writeValueAsBytes(root);
            BertWordPiece plain = BertWordPiece.of(variantJson).orElseThrow();
            List<String> probes = new ArrayList<>();
            int known = 0;
            for (char c = 0x80; c < 0x2300; c++) {
                String probe = "" + c;
                if (plain.ids(probe) == null) {
                    continue;
                }
                known++;
                probes.addAll(List.of(probe, "a" + c + "b", "Ab" + c + "s", c + "" + c + " x", "1" + c + ".", "ΟΔΟ" + c + "Σ ωΣ"));
            }
            try (TextTokenizer reference = TextTokenizer.fromJson(variantJson, "bge-" + variant, false)) {
                List<long[]> expected = reference.ids(probes);
                for (int i = 0; i < probes.size(); i++) {
                    String probe = probes.get(i);
                    long[] actual = plain.ids(probe);
                    assertNotNull(actual, variant + ": " + probe);
                    assertArrayEquals(expected.get(i), actual, variant + ": '" + probe + "' U+" + Integer.toHexString(probe.charAt(0)));
                }
            }
            assertTrue(known > 2000, variant + ": " + known + " known characters");
        }
    }

    @Test
    void other_scripts_and_added_tokens_go_to_rust() {
        for (String text : List.of("日本語", "emoji 🙂", "ﬁ ligature", "한국어", "[SEP]", "a [cls] b", "x[MASK]y", "Café [SEP]")) {
            assertNull(fast.ids(text), text);
            assertArrayEquals(rust.ids(List.of(text)).get(0), combined.ids(List.of(text)).get(0), text);
        }
    }

    @Test
    void a_tokenizer_that_is_not_bert_wordpiece_gets_no_fast_path() throws Exception {
        byte[] byteLevel = new ObjectMapper().writeValueAsBytes(ByteLevelTokenizerJson.json(new ObjectMapper()));
        assertTrue(BertWordPiece.of(byteLevel).isEmpty());
        assertTrue(BertWordPiece.of("not json".getBytes()).isEmpty());
    }

    @Property(tries = 3000)
    void random_ascii_gets_the_rust_ids(@ForAll @StringLength(max = 200) @CharRange(from = 0, to = 127) String text) {
        assertSame(text);
    }

    @Property(tries = 3000)
    void random_word_like_text_gets_the_rust_ids(@ForAll("wordLike") String text) {
        assertSame(text);
    }

    /** Latin, Greek, Cyrillic and symbols mixed with ASCII, including characters that lowercase to two (İ). */
    @Property(tries = 3000)
    void random_european_text_gets_the_rust_ids(@ForAll("european") String text) {
        assertSame(text);
    }

    @Provide
    Arbitrary<String> european() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withChars(" .,-İΣ\u00a0\u200b")
                .withCharRange('\u0080', '\u052f').withCharRange('\u1e00', '\u22ff').ofMaxLength(120);
    }

    @Provide
    Arbitrary<String> wordLike() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of("the", "Capital", "unbelievable", "tokenization", "COVID-19", "1990s", "isn't", "[SEP]", "##ing", "x"),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(120),
                Arbitraries.strings().withChars("aZ9.,;'\"-_()[]#\t\n\u0001 ").ofMinLength(1).ofMaxLength(8));
        return word.list().ofMaxSize(30).map(words -> String.join(" ", words));
    }

    private static void assertSame(String text) {
        long[] expected = rust.ids(List.of(text)).get(0);
        long[] actual = combined.ids(List.of(text)).get(0);
        assertEquals(expected.length, actual.length, text);
        assertArrayEquals(expected, actual, text);
    }
}
