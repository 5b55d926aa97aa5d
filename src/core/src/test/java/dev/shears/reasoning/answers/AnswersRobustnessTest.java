package dev.shears.reasoning.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** No call throws or takes long on arbitrary or adversarial text; equivalence is reflexive and symmetric. */
class AnswersRobustnessTest {

    private static final Duration PER_CALL = Duration.ofMillis(200);
    private static final List<AnswerExtractor> EXTRACTORS = AnswerExtractors.names().stream().map(AnswerExtractors::named).toList();
    private static final List<String> TOKENS = List.of("\\frac", "\\dfrac", "\\sqrt", "\\boxed", "\\fbox", "\\text", "{", "}", "(", ")",
            "[", "]", "$", "$$", "^", "e", "E", ",", ".", "-", "+", "*", "/", "%", "=", " ", "\n", "1", "2", "0", "9", "999", "1,000",
            ".5", "answer is ", "The final answer is ", "Answer:", "A: ", "####", "(B)", "B.", "x", "\\pi", "\\left(", "\\right)",
            "\\cdot", "\\times", "\\,", "**", "clips", "million", "\\", "1e999", "²", "−", "€");

    private static final AtomicLong slowest = new AtomicLong();
    private static final AtomicReference<String> slowestCall = new AtomicReference<>();

    @AfterAll
    static void reportSlowest() {
        System.out.printf("slowest single call: %.1f ms (%s)%n", slowest.get() / 1e6, slowestCall.get());
    }

    @Provide
    Arbitrary<String> latexish() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(120).map(l -> String.join("", l));
    }

    /** Times one call; {@link #exercise} runs under a preemptive timeout, so a hang fails instead of blocking. */
    private static <T> T quickly(String what, Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        long nanos = System.nanoTime() - start;
        if (nanos > slowest.get()) {
            slowest.set(nanos);
            slowestCall.set(what);
        }
        long millis = nanos / 1_000_000;
        assertTrue(millis < PER_CALL.toMillis(), () -> "too slow (" + millis + " ms): " + what);
        return result;
    }

    private static void exercise(String a, String b) {
        assertTimeoutPreemptively(PER_CALL.multipliedBy(20), () -> exerciseTimed(a, b), () -> "hangs on [" + a.substring(0, Math.min(60, a.length())) + "]");
    }

    private static void exerciseTimed(String a, String b) {
        String shortA = a.length() > 60 ? a.substring(0, 60) + "..." : a;
        for (AnswerExtractor x : EXTRACTORS) {
            quickly(x.name() + " on " + shortA, () -> x.extract(a));
        }
        boolean ab = quickly("equivalent " + shortA, () -> AnswerEquivalence.equivalent(a, b));
        boolean ba = quickly("equivalent (reversed) " + shortA, () -> AnswerEquivalence.equivalent(b, a));
        assertEquals(ab, ba, "symmetric for [" + a + "] and [" + b + "]");
        String ca = quickly("canonical " + shortA, () -> AnswerEquivalence.canonical(a));
        String cb = AnswerEquivalence.canonical(b);
        if (!a.isBlank()) {
            assertTrue(AnswerEquivalence.equivalent(a, a), "reflexive for [" + a + "]");
            assertTrue(AnswerEquivalence.equivalent(a, new String(a.toCharArray())), "reflexive for a copy of [" + a + "]");
            if (!b.isBlank() && ca.equals(cb)) {
                assertTrue(ab, "equal canonical forms are equivalent: [" + a + "] [" + b + "] -> " + ca);
            }
        }
    }

    @Property(tries = 300)
    void arbitrary_strings(@ForAll @StringLength(max = 400) String a, @ForAll @StringLength(max = 40) String b) {
        exercise(a, b);
    }

    @Property(tries = 1000)
    void latex_like_strings(@ForAll("latexish") String a, @ForAll("latexish") String b) {
        exercise(a, b);
        exercise(a, a.replace(" ", ""));
    }

    @Test
    void adversarial_inputs() {
        List<String> inputs = new ArrayList<>(List.of(
                "(".repeat(100_000), "{".repeat(100_000), "{".repeat(50_000) + "}".repeat(50_000), "9".repeat(100_000),
                "\\frac".repeat(20_000), "\\frac{" .repeat(30) + "1" + "}{2}".repeat(30), "\\sqrt{".repeat(60) + "2" + "}".repeat(60),
                "1e999999", "1e-999999", "1E9999", "9".repeat(199), "9".repeat(150) + "^" + "9".repeat(40), "2^2^2^2^2^2^2^2^2^2",
                "10^{10^{10}}", "(2^{1000})^{1000}", "\\sqrt{2}^{1000}", "\\pi^{1024}*\\pi^{1024}", "1/" + "0".repeat(150),
                "\\boxed{".repeat(50_000), "The answer is ".repeat(10_000), "answer:".repeat(20_000), "####".repeat(30_000),
                "A: ".repeat(30_000), "$".repeat(100_000), "\\".repeat(100_000), "a".repeat(1_000_000), "1,".repeat(50_000),
                ("x".repeat(500) + "\n").repeat(200), "-".repeat(199) + "1", "((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))",
                "(".repeat(150) + "1" + ")".repeat(40), "\\boxed{" + "a{".repeat(10_000), "0." + "0".repeat(190) + "1",
                "1,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000", "\u0000\uFFFF\uD800", "İ".repeat(10_000)));
        for (int i = 0; i < inputs.size(); i++) {
            String a = inputs.get(i);
            exercise(a, inputs.get((i + 1) % inputs.size()));
            exercise(a, "1");
        }
    }
}
