package dev.shears.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Needed steps of real GSM8K train solutions (lines 1, 9, 15, 24 and 66 of train.jsonl), checked by hand. */
class Gsm8kChainTest {

    @Test
    void each_result_used_later_makes_its_step_needed_and_annotations_leave_the_text() {
        Gsm8kChain c = Gsm8kChain.parse("Natalia sold clips to 48 of her friends in April, and then she sold half as many"
                + " clips in May. How many clips did Natalia sell altogether in April and May?",
                "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in"
                + " April and May.\n#### 72");
        assertEquals(List.of("Natalia sold 48/2 = 24 clips in May.", "Natalia sold 48+24 = 72 clips altogether in April and May."),
                c.steps());
        assertEquals("72", c.answer());
        // 24 is an operand of the second step; 72 is the answer
        assertEquals(List.of(true, true), c.needed());
    }

    @Test
    void a_step_without_numbers_is_not_needed_and_an_unannotated_result_that_is_reused_is() {
        Gsm8kChain c = Gsm8kChain.parse("Alexis ... went to a department store with a budget of $200 and spent $30 on a"
                + " button-up shirt, $46 on suit pants, $38 on a suit coat, $11 on socks, and $18 on a belt. ... She has $16"
                + " left from her budget. How much did Alexis pay for the shoes?",
                "Let S be the amount Alexis paid for the shoes.\nShe spent S + 30 + 46 + 38 + 11 + 18 = S +"
                + " <<+30+46+38+11+18=143>>143.\nShe used all but $16 of her budget, so S + 143 = 200 - 16 = 184.\nThus,"
                + " Alexis paid S = 184 - 143 = $<<184-143=41>>41 for the shoes.\n#### 41");
        // 143 is used by steps 2 and 3; 184 (written, not annotated) by step 3; 41 is the answer
        assertEquals(List.of(false, true, true, true), c.needed());
        assertEquals(3, c.neededCount());
    }

    @Test
    void a_constant_a_step_brings_in_is_needed_when_a_later_step_uses_it() {
        Gsm8kChain c = Gsm8kChain.parse("Joy can read 8 pages of a book in 20 minutes. How many hours will it take her to"
                + " read 120 pages?", "In one hour, there are 3 sets of 20 minutes.\nSo, Joy can read 8 x 3 = <<8*3=24>>24"
                + " pages in an hour.\nIt will take her 120/24 = <<120/24=5>>5 hours to read 120 pages.\n#### 5");
        assertEquals(List.of(true, true, true), c.needed(), "3 is new in step 0 and an operand of step 1");
    }

    @Test
    void an_unannotated_final_computation_is_needed_even_when_its_value_is_a_question_number() {
        Gsm8kChain c = Gsm8kChain.parse("Ann's favorite store was having a summer clearance. For $75 she bought 5 pairs of"
                + " shorts for $7 each and 2 pairs of shoes for $10 each. She also bought 4 tops, all at the same price. How"
                + " much did each top cost?", "She bought 5 shorts at $7 each so 5*7=$<<5*7=35>>35\nShe bought 2 pair of"
                + " shoes at $10 each so 2*10=$<<2*10=20>>20\nThe shorts and shoes cost her 35+20 = $<<35+20=55>>55\nWe know"
                + " she spent 75 total and the shorts and shoes cost $55 which left a difference of 75-55 = $<<75-55=20>>20\n"
                + "She bought 4 tops for a total of $20 so 20/4 = $5\n#### 5");
        assertEquals(List.of(true, true, true, true, true), c.needed());
    }

    @Test
    void a_step_that_only_restates_the_answer_is_not_needed() {
        Gsm8kChain c = Gsm8kChain.parse("Lee mows one lawn and charges $33. Last week he mowed 16 lawns and three customers"
                + " each gave him a $10 tip. How many dollars did Lee earn mowing lawns last week?",
                "33 * 16 = $<<33*16=528>>528\n3 * 10 = $<<3*10=30>>30\n528 + 30 = $<<528+30=558>>558\nLee earned $558 mowing"
                + " lawns last week.\n#### 558");
        assertEquals(List.of(true, true, true, false), c.needed());
    }

    @Test
    void numbers_compare_by_value_and_a_solution_needs_its_answer_line() {
        assertEquals(Set.of("1000", "0.5", "3"), Gsm8kChain.numbers("$1,000 or 1000.00 at .5 or 0.50, 3%"));
        assertThrows(IllegalArgumentException.class, () -> Gsm8kChain.parse("Q?", "2+2=4"));
    }
}
