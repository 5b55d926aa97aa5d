package dev.shears.onnx.ngram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.lm.LanguageModelException;
import dev.shears.lm.LanguageModelException.Kind;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NgramLanguageModelTest {

    private static final String SHA256 = "db21d0642286677699e6dbc859d2e5395570222361999387ce60f6e1d01995d6";

    private static NgramLanguageModel model;
    private static TrigramTrie trie;

    @BeforeAll
    static void load() {
        long t0 = System.nanoTime();
        model = NgramLanguageModel.embedded();
        System.out.printf("embedded n-gram model loaded and verified in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        trie = model.trie();
    }

    private static List<TokenLogProb> tokens(String prompt, String continuation) {
        return model.score(List.of(new ScoringRequest(prompt, continuation))).get(0).tokens();
    }

    private static List<String> surfaces(List<TokenLogProb> tokens) {
        return tokens.stream().map(TokenLogProb::token).toList();
    }

    @Test
    void identity() {
        assertEquals("cmusphinx-en-us-trigram", model.id());
        assertEquals(SHA256, model.sha256());
        assertEquals(Integer.MAX_VALUE, model.contextLength());
    }

    @Test
    void offsetsAreExactWithMultiByteCharactersEmojiDigitsAndPunctuation() {
        String text = "Héllo wörld 🙂 don’t stop: 48 apples, 3.5 kg… Über-cool 1,250.75! Ok 😀😀x e.g. Z\u0301ero";
        List<TokenLogProb> tokens = tokens("", text);
        for (TokenLogProb t : tokens) {
            assertEquals(t.token(), text.substring(t.start(), t.end()));
            assertTrue(Double.isFinite(t.logProb()) && t.logProb() < 0, t.toString());
        }
        assertEquals(List.of("Héllo", "wörld", "don’t", "stop", "48", "apples", "3.5", "kg", "Über", "cool",
                "1,250.75", "Ok", "x", "e", "g", "Z\u0301ero"), surfaces(tokens));
        assertEquals(trie.wordId("don't"), tokens.get(2).tokenId());
        assertEquals(trie.wordId("zero"), tokens.get(15).tokenId(), "combining accent stripped");
        assertEquals(tokens.size(), model.countTokens(text));
    }

    @Test
    void aNumberScoresAsItsSpokenWordsInContext() {
        List<TokenLogProb> tokens = tokens("", "She sold 48 clips");
        TokenLogProb number = tokens.get(2);
        assertEquals("48", number.token());
        assertEquals(-1, number.tokenId());
        int she = trie.wordId("she");
        int sold = trie.wordId("sold");
        int forty = trie.wordId("forty");
        int eight = trie.wordId("eight");
        assertEquals(trie.ln(she, sold, forty) + trie.ln(sold, forty, eight), number.logProb(), 1e-9);
        assertEquals(trie.ln(forty, eight, trie.wordId("clips")), tokens.get(3).logProb(), 1e-9, "context is the spoken words");
    }

    @Test
    void numbersAreSpokenSimply() {
        assertEquals(List.of("forty", "eight"), NumberWords.spoken("48"));
        assertEquals(List.of("zero"), NumberWords.spoken("0"));
        assertEquals(List.of("one", "thousand", "two", "hundred", "fifty", "point", "seven", "five"),
                NumberWords.spoken("1,250.75"));
        assertEquals(List.of("three", "point", "one", "four"), NumberWords.spoken("3.14"));
        assertEquals(List.of("nineteen", "eighty", "four"), NumberWords.spoken("1984"));
        assertEquals(List.of("nineteen", "oh", "five"), NumberWords.spoken("1905"));
        assertEquals(List.of("eighteen", "hundred"), NumberWords.spoken("1800"));
        assertEquals(List.of("two", "thousand", "twenty", "four"), NumberWords.spoken("2024"));
        assertEquals(List.of("three", "million", "one"), NumberWords.spoken("3000001"));
        assertEquals(List.of("zero", "zero", "seven"), NumberWords.spoken("007"));
        assertEquals(List.of("one", "point", "two", "point", "three"), NumberWords.spoken("1.2.3"));
        assertEquals(20, NumberWords.spoken("12345678901234567890").size(), "too long: digit by digit");
        assertEquals(List.of("forty", "two"), NumberWords.spoken("٤٢"), "Arabic-Indic digits by value");
        for (String n : List.of("48", "1,250.75", "1984", "1905", "3000001", "999999999999999", "1.2.3")) {
            for (String w : NumberWords.spoken(n)) {
                assertTrue(trie.wordId(w) >= 0, w);
            }
        }
    }

    @Test
    void caseIsIgnoredAndUnknownWordsScoreAsTheRarestWord() {
        List<TokenLogProb> lower = tokens("", "the answer");
        List<TokenLogProb> upper = tokens("", "THE Answer");
        assertEquals(lower.get(1).logProb(), upper.get(1).logProb(), 0);
        assertEquals(lower.get(1).tokenId(), upper.get(1).tokenId());
        assertEquals("Answer", upper.get(1).token());

        List<TokenLogProb> t = tokens("", "the xqzzyv answer is");
        int start = trie.wordId(TrigramTrie.SENTENCE_START);
        int the = trie.wordId("the");
        assertEquals(-1, t.get(1).tokenId());
        assertEquals(trie.ln(start, the, -1), t.get(1).logProb(), 1e-9);
        assertTrue(trie.unknownLog10() < -6, "OOV log10 " + trie.unknownLog10());
        // after an unknown word the next word is scored from its unigram, the one after from its bigram
        assertEquals(trie.ln(-1, -1, trie.wordId("answer")), t.get(2).logProb(), 1e-9);
        assertEquals(trie.ln(-1, trie.wordId("answer"), trie.wordId("is")), t.get(3).logProb(), 1e-9);
    }

    @Test
    void thePromptConditionsTheFirstToken() {
        SphinxReference ref = SphinxReference.get();
        double afterIsThe = tokens("What is the", " answer").get(0).logProb();
        assertEquals(ref.ln("is", "the", "answer"), afterIsThe, 1e-4);
        double fromStart = tokens("", "answer").get(0).logProb();
        assertEquals(ref.ln("<s>", "answer"), fromStart, 1e-4);
        assertNotEquals(fromStart, afterIsThe, 0.5);
        assertEquals(fromStart, tokens("It is done.", " Answer").get(0).logProb(), 0, "a sentence end resets to <s>");
        assertEquals(fromStart, tokens("It is done\n", "\nanswer").get(0).logProb(), 0, "a blank line across the join");
        assertEquals(afterIsThe, tokens("", "What is the answer").get(3).logProb(), 0);
        assertEquals(List.of("lo", "world"), surfaces(tokens("hel", "lo world")), "no token crosses the join");
    }

    @Test
    void emptyAndWordlessContinuations() {
        LanguageModelException e = assertThrows(LanguageModelException.class, () -> tokens("x", ""));
        assertEquals(Kind.EMPTY_INPUT, e.kind());
        assertEquals(List.of(), tokens("x", " ... !? 🙂"));
        assertEquals(List.of(), model.score(List.of()));
    }

    @Test
    void scorePromptsStartsFromSentenceStart() {
        ScoredText s = model.scorePrompts(List.of("Twelve apples.")).get(0);
        assertEquals(2, s.tokens().size());
        assertTrue(s.tokens().get(0).hasLogProb());
    }

    @Test
    void samplingIsRefused() {
        LanguageModelException e = assertThrows(LanguageModelException.class,
                () -> model.sample(SamplingRequest.greedy("The answer is", 4)));
        assertEquals(Kind.UNSUPPORTED_MODE, e.kind());
        assertTrue(e.getMessage().contains("cannot generate"), e.getMessage());
    }

    @Test
    void concurrentScoringGivesTheSameResults() {
        ScoringRequest r = new ScoringRequest("Natalia sold clips to 48 of her friends.", " Then she sold half as many.");
        List<TokenLogProb> expected = model.score(List.of(r)).get(0).tokens();
        IntStream.range(0, 64).parallel()
                .forEach(i -> assertEquals(expected, model.score(List.of(r)).get(0).tokens()));
    }

    @Test
    void aChangedByteFailsTheChecksumNamingTheFile(@TempDir Path dir) throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(SphinxReference.RESOURCE)) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length / 2] ^= 1;
        Path copy = dir.resolve("en-us.lm.bin");
        Files.write(copy, bytes);
        LanguageModelException e = assertThrows(LanguageModelException.class,
                () -> NgramLanguageModel.fromFile(copy, SHA256));
        assertEquals(Kind.MODEL_LOAD_FAILED, e.kind());
        assertTrue(e.getMessage().contains(copy.toString()) && e.getMessage().contains("sha256 mismatch"),
                e.getMessage());
    }

    @Test
    void aTruncatedFileFailsToLoad(@TempDir Path dir) throws IOException {
        byte[] head;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(SphinxReference.RESOURCE)) {
            head = in.readNBytes(1_000_000);
        }
        Path file = dir.resolve("cut.lm.bin");
        Files.write(file, head);
        LanguageModelException e = assertThrows(LanguageModelException.class, () -> NgramLanguageModel.fromFile(file, null));
        assertEquals(Kind.MODEL_LOAD_FAILED, e.kind());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
