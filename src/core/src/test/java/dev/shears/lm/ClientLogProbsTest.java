package dev.shears.lm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientLogProbsTest {

    @Test
    void validEntriesBecomeTokensWithOffsets() {
        List<TokenLogProb> t = ClientLogProbs.validate(List.of(
                ClientLogProbs.Entry.of("Hello", -0.5), ClientLogProbs.Entry.of(" world", 0.0),
                new ClientLogProbs.Entry("!", -9999.0, 0)));
        assertEquals(3, t.size());
        assertEquals(5, t.get(1).start());
        assertEquals(11, t.get(1).end());
        assertEquals(-1, t.get(0).tokenId());
        assertEquals(0, t.get(2).tokenId());
        assertEquals(-9999.5, new ScoredText(t).sum(), 1e-9);
    }

    @Test
    void badEntriesAreNamed() {
        assertEquals(LanguageModelException.Kind.EMPTY_INPUT,
                assertThrows(LanguageModelException.class, () -> ClientLogProbs.validate(List.of())).kind());
        expectInvalid(List.of(ClientLogProbs.Entry.of("a", -1), ClientLogProbs.Entry.of("b", 0.25)),
                "token 1", "0.25 > 0");
        expectInvalid(List.of(ClientLogProbs.Entry.of("a", Double.NaN)), "token 0", "non-finite");
        expectInvalid(List.of(ClientLogProbs.Entry.of("a", Double.NEGATIVE_INFINITY)), "non-finite", "-Infinity");
        expectInvalid(List.of(ClientLogProbs.Entry.of("", -1)), "token 0", "empty text");
        expectInvalid(List.of(new ClientLogProbs.Entry("a", null, null)), "no logprob");
        List<ClientLogProbs.Entry> withNull = new ArrayList<>();
        withNull.add(null);
        expectInvalid(withNull, "entry 0 is null");
    }

    private static void expectInvalid(List<ClientLogProbs.Entry> entries, String... fragments) {
        LanguageModelException e = assertThrows(LanguageModelException.class, () -> ClientLogProbs.validate(entries));
        assertEquals(LanguageModelException.Kind.INVALID_INPUT, e.kind());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), e.getMessage() + " should mention " + f);
        }
    }
}
