package dev.shears.tools.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExportHalfWeightsCommandTest {

    @Test
    void knownHalfEncodings() {
        assertEquals(0x3C00, bits(1.0f));
        assertEquals(0xC000, bits(-2.0f));
        assertEquals(0x7BFF, bits(65504f));
        assertEquals(0x7C00, bits(65520f)); // rounds up to infinity
        assertEquals(0x2E66, bits(0.1f));
        assertEquals(0x0001, bits(5.9604645e-8f)); // smallest subnormal
        assertEquals(0x0000, bits(2.9802322e-8f)); // exactly half of it: ties to even, zero
        assertEquals(0x8000, bits(-0.0f));
        assertEquals(0x7C00, bits(Float.POSITIVE_INFINITY));
        assertEquals(0x7E00, bits(Float.NaN));
    }

    @Test
    void roundsToTheNearestHalf() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float v = (float) ((random.nextDouble() * 2 - 1) * Math.pow(2, random.nextInt(-26, 16)));
            int h = bits(v);
            double decoded = decode(h);
            double below = decode(h - 1);
            double above = decode(h + 1);
            double error = Math.abs(decoded - v);
            assertEquals(true, error <= Math.abs(below - v) && error <= Math.abs(above - v),
                    () -> v + " -> " + Integer.toHexString(h) + " (" + decoded + ")");
        }
    }

    private static int bits(float v) {
        return ExportHalfWeightsCommand.toHalf(v) & 0xFFFF;
    }

    /** Reference decoder written from the format's definition. */
    private static double decode(int h) {
        int sign = (h & 0x8000) != 0 ? -1 : 1;
        int exponent = (h >> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return sign * Double.POSITIVE_INFINITY;
        }
        return exponent == 0 ? sign * mantissa * Math.pow(2, -24) : sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
    }
}
