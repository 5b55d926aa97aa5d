package dev.shears.reasoning.voting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WeibullMixtureTest {

    /** Inverse-CDF samples of w·W(kHi,λHi) + (1−w)·W(kLo,λLo), clamped to (0,1] like path probabilities. */
    static double[] sample(long seed, int n, double w, double kHi, double lHi, double kLo, double lLo) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            boolean hi = random.nextDouble() < w;
            double u = 1 - random.nextDouble();
            x[i] = Math.min(1, (hi ? lHi : lLo) * Math.pow(-Math.log(u), 1 / (hi ? kHi : kLo)));
        }
        return x;
    }

    @ParameterizedTest
    @CsvSource({
            "1, 200, 0.6, 12, 0.85, 4, 0.45",
            "2, 500, 0.5, 15, 0.80, 3, 0.40",
            "3, 1000, 0.3, 20, 0.90, 5, 0.60",
            "4, 500, 0.7, 8, 0.75, 2, 0.30",
    })
    void recovers_a_known_mixture(long seed, int n, double w, double kHi, double lHi, double kLo, double lLo) {
        double[] x = sample(seed, n, w, kHi, lHi, kLo, lLo);
        WeibullMixture.Result result = WeibullMixture.fit(x);
        WeibullFit fit = result.fit();
        assertNotNull(fit, result.note());
        double trueNll = WeibullMixture.nll(x, w, kHi, lHi, kLo, lLo);
        assertTrue(fit.nll() <= trueNll + 1e-6, fit + " vs true NLL " + trueNll);
        assertEquals(w, fit.w(), 0.1, fit::toString);
        assertEquals(WeibullMixture.mean(kHi, lHi), fit.meanHigh(), 0.03, fit::toString);
        assertEquals(WeibullMixture.mean(kLo, lLo), fit.meanLow(), 0.05, fit::toString);
        assertEquals(kHi, fit.k1(), 0.3 * kHi, fit::toString);
        assertEquals(lHi, fit.lambda1(), 0.05, fit::toString);
    }

    @Test
    void the_high_component_comes_first_with_its_weight() {
        // mostly low paths: the optimiser may label them either way; the result is swapped so the high one is first
        double[] x = sample(7, 400, 0.25, 20, 0.9, 3, 0.4);
        WeibullFit fit = WeibullMixture.fit(x).fit();
        assertTrue(fit.meanHigh() > fit.meanLow());
        assertEquals(0.25, fit.w(), 0.08, fit::toString);
    }

    @Test
    void fallbacks_fit_nothing() {
        assertNull(WeibullMixture.fit(new double[] {0.1, 0.5, 0.9}).fit());
        assertNull(WeibullMixture.fit(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}).fit());
        assertNull(WeibullMixture.fit(new double[] {0.5, 0.9, 0.5, 0.9, 0.5, 0.9, 0.5, 0.9, 0.5, 0.9, 0.5}).fit());
        double[] nan = sample(1, 50, 0.5, 10, 0.8, 3, 0.4);
        nan[3] = Double.NaN;
        WeibullMixture.Result result = WeibullMixture.fit(nan);
        assertNull(result.fit());
        assertTrue(result.note().contains("outside"), result.note());
    }

    @Test
    void a_component_collapsed_onto_a_floor_outlier_is_degenerate() {
        // the optimiser spends a component (k≈0.12, λ=0.01) on the 1e-12 path; its heavy tail has the larger mean, so
        // the real paths would all be "low": rejected, nothing pruned
        double[] x = sample(5, 60, 0.5, 10, 0.8, 3, 0.4);
        x[0] = 1e-12;
        x[1] = 1;
        WeibullMixture.Result result = WeibullMixture.fit(x);
        assertNull(result.fit(), () -> result.fit().toString());
        assertTrue(result.note().contains("degenerate"), result.note());
        x[0] = 0.3;
        assertNotNull(WeibullMixture.fit(x).fit());
    }
}
