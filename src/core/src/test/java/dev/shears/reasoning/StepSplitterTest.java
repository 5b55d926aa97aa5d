package dev.shears.reasoning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepSplitterTest {

    static List<String> contents(String text) {
        return StepSplitter.split(text).stream().map(s -> s.content(text)).toList();
    }

    @Test
    void paragraphs_are_steps() {
        assertEquals(List.of("First, add.", "Then multiply\nby two.", "So 8."), contents("First, add.\n\nThen multiply\nby two.\n\n\nSo 8.\n"));
    }

    @Test
    void a_chain_without_blank_lines_is_one_step_per_line() {
        String gsm8k = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips.\n#### 72";
        assertEquals(List.of("Natalia sold 48/2 = <<48/2=24>>24 clips in May.", "Natalia sold 48+24 = <<48+24=72>>72 clips.", "#### 72"),
                contents(gsm8k));
    }

    @Test
    void list_items_inside_a_paragraph_are_steps_with_their_continuation_lines() {
        String text = "We need three things:\n1. the price,\n   which is 5\n2. the count\n\nSo 10.";
        assertEquals(List.of("We need three things:", "1. the price,\n   which is 5", "2. the count", "So 10."), contents(text));
    }

    @Test
    void code_and_math_blocks_are_never_cut() {
        String text = "Write code.\n\n```python\nx = 1\n\ny = 2\n```\n\n$$\na = b\n\nc = d\n$$\n\n\\begin{align}\nx &= 1\n\n\\end{align}\n\nDone.";
        assertEquals(List.of("Write code.", "```python\nx = 1\n\ny = 2\n```", "$$\na = b\n\nc = d\n$$", "\\begin{align}\nx &= 1\n\n\\end{align}", "Done."),
                contents(text));
    }

    @Test
    void steps_tile_the_text_from_the_first_step_and_spans_are_exact() {
        String text = "  \n\nA.\r\n\r\nB.\nC.\n\n";
        List<Step> steps = StepSplitter.split(text);
        assertEquals(4, text.indexOf('A'));
        assertEquals(4, steps.get(0).start());
        for (int i = 0; i + 1 < steps.size(); i++) {
            assertEquals(steps.get(i).end(), steps.get(i + 1).start());
        }
        assertEquals(text.length(), steps.get(steps.size() - 1).end());
        assertEquals(List.of("A.", "B.\nC."), contents(text));
        assertEquals(List.of(), contents(" \n\n "));
    }
}
