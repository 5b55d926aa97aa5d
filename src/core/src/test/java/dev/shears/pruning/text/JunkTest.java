package dev.shears.pruning.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JunkTest {

    @Test
    void text_without_a_word_is_junk() {
        assertTrue(Junk.isJunk(".".repeat(500), SpanKind.PROSE));
        assertTrue(Junk.isJunk("A. A. A.", SpanKind.PROSE));
        assertTrue(Junk.isJunk("- - - * * *", SpanKind.PROSE));
        assertTrue(Junk.isJunk("|---|:---:|", SpanKind.TABLE_ROW));
        assertTrue(Junk.isJunk("```\n" + "x = 1\n".repeat(50) + "```", SpanKind.CODE_BLOCK));
        assertTrue(Junk.isJunk("```python\n" + "x = 1\n".repeat(50) + "```", SpanKind.CODE_BLOCK), "the fence's language is no word");
    }

    @Test
    void one_word_over_and_over_is_junk() {
        assertTrue(Junk.isJunk("spam ".repeat(40), SpanKind.PROSE));
        assertTrue(Junk.isJunk("```\n" + "total = total + 1\n".repeat(20) + "```", SpanKind.CODE_BLOCK));
    }

    @Test
    void short_facts_numbers_and_other_scripts_are_not_junk() {
        assertFalse(Junk.isJunk("It opened in 1889.", SpanKind.PROSE));
        assertFalse(Junk.isJunk("1889", SpanKind.PROSE));
        assertFalse(Junk.isJunk("| Eiffel | 330 m |", SpanKind.TABLE_ROW));
        assertFalse(Junk.isJunk("Yes.", SpanKind.PROSE));
        assertFalse(Junk.isJunk("東京は日本の首都です。", SpanKind.PROSE));
        assertFalse(Junk.isJunk("```java\nint height = tower.height();\n```", SpanKind.CODE_BLOCK));
        assertFalse(Junk.isJunk("The the the cat sat on the mat, and the dog sat on the rug by the door.", SpanKind.PROSE),
                "ordinary repetition of function words is not one word over and over");
    }
}
