package dev.shears.onnx.ngram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.testing.WikiQaFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trigram reader against sphinx4-core's NgramTrieModel on word triples from real English text and at random. */
class TrigramTrieTest {

    private static final double TOLERANCE_LOG10 = 1e-4;

    private static TrigramTrie trie;
    private static SphinxReference reference;

    @BeforeAll
    static void load() {
        trie = NgramLanguageModel.embedded().trie();
        reference = SphinxReference.get();
    }

    @Test
    void countsAndVocabularyMatchTheManifest() {
        assertEquals(72_547, trie.vocabularySize());
        assertEquals(2_051_547, trie.bigramCount());
        assertEquals(1_669_625, trie.trigramCount());
        assertTrue(trie.wordId("the") >= 0);
        assertTrue(trie.wordId("don't") >= 0);
        assertEquals(-1, trie.wordId("<unk>"), "the model is closed-vocabulary");
        assertEquals("the", trie.word(trie.wordId("the")));
    }

    @Test
    void wikiQaSentencesMatchTheReference() throws IOException {
        List<String> sentences = new ArrayList<>();
        try (BufferedReader in = gzip(WikiQaFiles.require("WikiQA-train.tsv.gz"))) {
            in.readLine();
            for (String line; (line = in.readLine()) != null && sentences.size() < 1500; ) {
                sentences.add(line.split("\t")[5]);
            }
        }
        assertTrue(compareTextTriples(sentences) > 3000);
    }

    @Test
    void gsm8kTextMatchesTheReference() throws IOException {
        Path file = Path.of(System.getProperty("datasets.dir", "../shared/datasets")).resolve("gsm8k/train.jsonl.gz");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(file), "no GSM8K at " + file.toAbsolutePath());
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        try (BufferedReader in = gzip(file)) {
            for (String line; (line = in.readLine()) != null && texts.size() < 600; ) {
                var node = json.readTree(line);
                texts.add(node.path("question").asText());
                texts.add(node.path("answer").asText());
            }
        }
        assertTrue(compareTextTriples(texts) > 3000);
    }

    @Test
    void randomTriplesBigramsAndUnigramsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = trie.vocabularySize();
        int start = trie.wordId(TrigramTrie.SENTENCE_START);
        // Random words mostly back off; frequent words (low ids are not frequent, so draw from text too) hit n-grams.
        String[] common = "the of and to a in is was for that on with as by it he at from his an".split(" ");
        for (int i = 0; i < 3000; i++) {
            int u = i % 3 == 0 ? trie.wordId(common[rnd.nextInt(common.length)]) : rnd.nextInt(n);
            int v = i % 2 == 0 ? trie.wordId(common[rnd.nextInt(common.length)]) : rnd.nextInt(n);
            int w = rnd.nextInt(n);
            if (w == start) {
                continue;
            }
            assertMatches(u, v, w);
            assertMatches(-1, v, w);
            assertMatches(-1, -1, w);
        }
    }

    @Test
    void probabilitiesAfterAContextSumToOne() {
        int start = trie.wordId(TrigramTrie.SENTENCE_START);
        int[][] contexts = {{-1, start}, {start, trie.wordId("the")}, {trie.wordId("of"), trie.wordId("the")},
                {trie.wordId("how"), trie.wordId("many")}};
        for (int[] c : contexts) {
            double sum = 0;
            for (int w = 0; w < trie.vocabularySize(); w++) {
                if (w != start) {
                    sum += Math.pow(10, trie.log10(c[0], c[1], w));
                }
            }
            assertEquals(1.0, sum, 0.05, "sum of P(w | " + c[0] + " " + c[1] + ")");
        }
    }

    /** Compares every in-vocabulary triple (u v w), bigram (<s> w) of the texts, sentences starting at <s>. */
    private static int compareTextTriples(List<String> texts) {
        int start = trie.wordId(TrigramTrie.SENTENCE_START);
        int compared = 0;
        for (String text : texts) {
            int u = -1;
            int v = start;
            for (WordTokenizer.Token t : WordTokenizer.tokenize(text, text.length())) {
                if (t.sentenceStart()) {
                    u = -1;
                    v = start;
                }
                for (String word : t.words()) {
                    int w = trie.wordId(word);
                    if (w >= 0 && v >= 0) {
                        assertMatches(u, v, w);
                        compared++;
                    }
                    u = v;
                    v = w;
                }
            }
        }
        return compared;
    }

    private static void assertMatches(int u, int v, int w) {
        List<String> words = new ArrayList<>();
        if (u >= 0) {
            words.add(trie.word(u));
        }
        if (v >= 0) {
            words.add(trie.word(v));
        }
        words.add(trie.word(w));
        double expected = reference.log10(words.toArray(String[]::new));
        assertEquals(expected, trie.log10(u, v, w), TOLERANCE_LOG10, () -> "log10 P" + words);
    }

    private static BufferedReader gzip(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8));
    }
}
