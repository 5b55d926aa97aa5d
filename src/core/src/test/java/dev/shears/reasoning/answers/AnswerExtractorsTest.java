package dev.shears.reasoning.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerExtractorsTest {

    private static Optional<String> extract(String extractor, String text) {
        return AnswerExtractors.named(extractor).extract(text.replace("\\n", "\n"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            boxed       | So the answer is $\\boxed{72}$.                                    | 72
            boxed       | First \\boxed{1}, then \\boxed{\\frac{1}{2}}.                          | \\frac{1}{2}
            boxed       | \\boxed{\\{1, 2\\}}                                                 | \\{1, 2\\}
            boxed       | The result is \\fbox{42}                                           | 42
            boxed       | \\boxed{\\text{(B)}}                                                | (B)
            boxed       | \\boxed 5 is it                                                    | 5
            boxed       | \\boxed{3} and an unclosed \\boxed{4                               | 3
            answer-is   | So the answer is 72.                                              | 72
            answer-is   | The final answer is $\\frac{1}{2}$. I hope it is correct.          | \\frac{1}{2}
            answer-is   | The answer is: **18 dollars**.                                    | 18 dollars
            answer-is   | The answer is 5, which is odd.                                    | 5
            answer-is   | the answer is 1, 2, 3                                             | 1, 2, 3
            answer-is   | I think the answer is 4. No wait, the answer is 5.                | 5
            answer-is   | The answer is $18 and some change                                 | $18 and some change
            answer-is   | The answer is 3.5 because 7/2 = 3.5                               | 3.5
            answer-is   | Therefore, the answer is $\\$1,250.50$.                            | \\$1,250.50
            answer-is   | Answer: (C)                                                       | (C)
            gsm8k       | 48/2 = <<48/2=24>>24\\n48+24 = <<48+24=72>>72\\n#### 72             | 72
            gsm8k       | ... \\n#### 1,200                                                  | 1,200
            final-line  | 9 * 2 = $<<9*2=18>>18 every day\\nA: 18                            | 18
            final-line  | 16 - 7 = 9\\nA: -1.8 billion\\n\\n                                   | -1.8 billion
            final-line  | **Final Answer:** $42$                                            | 42
            final-line  | Answer: 7\\nThat is all.                                          | 7
            choice      | The answer is (B).                                                | B
            choice      | answer is C because                                               | C
            choice      | Let us compare...\\nB.                                            | B
            choice      | \\boxed{d}                                                         | D
            choice      | Answer: (b) 42                                                    | B
            last-number | so 3 + 4 = 7 and then 10 remain                                   | 10
            last-number | He pays $1,250.50.                                                | 1,250.50
            last-number | the ratio is 3/4                                                  | 3/4
            last-number | it drops to -5 degrees                                            | -5
            last-number | about .5 of it                                                    | .5
            auto        | I get \\boxed{12}. The answer is 13                                | 12
            auto        | steps\\n#### 72                                                    | 72
            auto        | The answer is 4.\\nAnswer: 5                                       | 5
            auto        | Answer: 5\\nSo the answer is 6.                                    | 6
            auto        | Comparing options...\\n(B)                                        | (B)
            auto        | 16 - 3 = 13 eggs and 13 * 2 = 26                                  | 26
            auto        | A: 18                                                             | 18
            """)
    void extracts(String extractor, String text, String expected) {
        assertEquals(Optional.of(expected), extract(extractor, text));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            boxed       | no box here
            boxed       | \\boxed{
            answer-is   | there is no answer
            answer-is   | The answer is
            gsm8k       | A: 72
            final-line  | A: 18\\nmore text after
            final-line  | Q: what?
            choice      | The answer is a dog.
            choice      | A: 18
            last-number | no digits
            auto        | nothing to see
            auto        | ""
            """)
    void finds_nothing(String extractor, String text) {
        assertEquals(Optional.empty(), extract(extractor, text == null ? "" : text));
    }

    @Test
    void null_text_is_no_answer() {
        for (String name : AnswerExtractors.names()) {
            assertEquals(Optional.empty(), AnswerExtractors.named(name).extract(null), name);
        }
    }

    @Test
    void names_and_unknown_name() {
        assertEquals(List.of("auto", "boxed", "answer-is", "gsm8k", "final-line", "choice", "last-number"), AnswerExtractors.names());
        assertEquals("auto", AnswerExtractors.auto().name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AnswerExtractors.named("nope"));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("last-number"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AnswerExtractors.named(null));
    }

    @Test
    void regex_takes_the_first_group_of_the_last_match() {
        AnswerExtractor x = AnswerExtractors.regex("Result=(\\S+)");
        assertEquals(Optional.of("4"), x.extract("Result=3 then Result=4."));
        assertEquals(Optional.empty(), x.extract("nothing"));
        assertEquals("regex:Result=(\\S+)", x.name());
        assertEquals(Optional.of("x"), AnswerExtractors.regex("(?i)answer:\\s*(\\w+)").extract("ANSWER: x"));
    }

    @Test
    void regex_rejects_invalid_patterns_and_patterns_without_a_group() {
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class, () -> AnswerExtractors.regex("answer: ([0-9]+"));
        assertTrue(invalid.getMessage().startsWith("invalid answer pattern 'answer: ([0-9]+'"), invalid.getMessage());
        IllegalArgumentException noGroup = assertThrows(IllegalArgumentException.class, () -> AnswerExtractors.regex("answer: \\d+"));
        assertTrue(noGroup.getMessage().contains("no capture group"), noGroup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AnswerExtractors.regex(" "));
        assertThrows(IllegalArgumentException.class, () -> AnswerExtractors.regex(null));
    }

    @Test
    void a_catastrophic_user_pattern_gives_up_instead_of_hanging() {
        AnswerExtractor x = AnswerExtractors.regex("(a+)+b");
        long start = System.nanoTime();
        assertEquals(Optional.empty(), x.extract("a".repeat(5_000)));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "bounded");
    }
}
