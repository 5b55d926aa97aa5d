package dev.shears.reasoning.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerEquivalenceTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            72                  | 72 clips
            18                  | $18
            18                  | 18 dollars
            18                  | 18.00
            18                  | +18
            18                  | 18.
            5                   | 5 cm
            1250.5              | $1,250.50
            3                   | €3
            \\$1,250.50         | 1250.50
            1000                | 1,000
            1000000             | 1,000,000
            5600                | 5,600
            0.5                 | 1/2
            0.5                 | \\frac{1}{2}
            0.5                 | \\dfrac12
            0.5                 | .5
            \\tfrac{1}{2}       | 1/2
            \\frac{3}{4}        | 0.75
            1/3                 | \\frac{1}{3}
            50%                 | 50
            50\\%               | 50
            -3                  | −3
            -3                  | - 3
            -0.25               | -\\frac{1}{4}
            1.5e3               | 1500
            2 \\times 10^{3}    | 2000
            2^3                 | 8
            2^{10}              | 1024
            \\sqrt{4}           | 2
            2\\sqrt{2}          | \\sqrt{8}
            3 \\cdot 4          | 12
            \\left( 3 \\right)  | 3
            1\\,000             | 1000
            $\\frac{1}{2}$      | 0.5
            \\boxed{7}          | 7
            \\text{7 apples}    | 7
            x = 5               | 5
            90^\\circ           | 90
            1.8 billion         | 1800000000
            6 miles/hour        | 6
            700/week            | 700
            (B)                 | B
            (b)                 | B
            B.                  | b
            (B) 42              | B
            option C            | c
            "(1, 2)"            | "(1,2.0)"
            "1, 5"              | "1,5"
            New York City       | new york city.
            **Paris**           | paris
            x + 1               | x+1
            \\text{Monday}      | monday
            """)
    void equivalent_pairs(String a, String b) {
        assertTrue(AnswerEquivalence.equivalent(a, b), a + " = " + b);
        assertTrue(AnswerEquivalence.equivalent(b, a), b + " = " + a + " (symmetry)");
        assertEquals(AnswerEquivalence.canonical(a), AnswerEquivalence.canonical(b), "canonical forms of " + a + " and " + b);
    }

    /** Equal within the relative tolerance, so their canonical forms differ. */
    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1/3                 | 0.333333
            2/3                 | 0.6666667
            \\sqrt{2}           | 1.41421356
            \\pi                | 3.14159265
            0.1 + 0.2           | 0.3
            18                  | 17.99999999
            """)
    void equal_within_tolerance(String a, String b) {
        assertTrue(AnswerEquivalence.equivalent(a, b), a + " ~ " + b);
        assertTrue(AnswerEquivalence.equivalent(b, a), b + " ~ " + a + " (symmetry)");
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            72                  | 27
            72                  | 720
            18                  | 18.5
            1000000             | 1000001
            1,5                 | 1.5
            1,5                 | 15
            1,000               | 1
            50%                 | 0.5
            1/2                 | 2
            1/3                 | 0.33
            -3                  | 3
            \\frac{1}{2}        | \\frac{2}{1}
            \\sqrt{2}           | 1.41
            2^3                 | 6
            2^3                 | 9
            0.1                 | 0.01
            1e3                 | 100
            5x                  | 5
            1/x                 | 1
            2 - x               | 2
            3i                  | 3
            (B)                 | C
            B                   | 2
            A                   | B
            "(1, 2)"            | "(2, 1)"
            "(1, 2)"            | "[1, 2]"
            "(1, 2)"            | "(1, 2, 3)"
            Paris               | London
            new york            | new jersey
            x + 1               | x - 1
            yes                 | no
            72                  | seventy two
            1e999999            | 1
            0                   | 1
            0                   | 0.001
            100                 | 100 and 200
            2 apples            | 3 apples
            1.5 million         | 1.5
            \\infty             | 0
            12:30               | 12
            4/0                 | 4
            """)
    void different_pairs(String a, String b) {
        assertFalse(AnswerEquivalence.equivalent(a, b), a + " != " + b);
        assertFalse(AnswerEquivalence.equivalent(b, a), b + " != " + a + " (symmetry)");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            72 clips            | 72
            $1,250.50           | 1250.5
            \\frac{1}{2}        | 0.5
            \\frac{2}{6}        | 1/3
            18.00               | 18
            -0                  | 0
            (b)                 | b
            C                   | c
            \\sqrt{2}           | 1.41421356237
            "(1, 2.50)"         | "(1,2.5)"
            "  New   York "     | new york
            1e999999            | 1e999999
            """)
    void canonical_forms(String answer, String expected) {
        assertEquals(expected, AnswerEquivalence.canonical(answer));
    }

    @org.junit.jupiter.api.Test
    void blank_and_null_are_never_equivalent() {
        assertFalse(AnswerEquivalence.equivalent("", ""));
        assertFalse(AnswerEquivalence.equivalent(null, "1"));
        assertFalse(AnswerEquivalence.equivalent(" ", " "));
        assertEquals("", AnswerEquivalence.canonical(null));
    }
}
