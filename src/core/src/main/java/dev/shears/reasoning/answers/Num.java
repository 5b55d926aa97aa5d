package dev.shears.reasoning.answers;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A number for answer comparison: an exact rational, or (after \sqrt of a non-square or \pi) a 34-digit decimal
 * approximation. Sizes are capped so that no answer can make the arithmetic slow: an operation whose result would
 * exceed the caps fails with {@link MathParser.NotNumeric}.
 */
final class Num {

    static final int MAX_BITS = 4_096;
    static final int MAX_EXPONENT = 1_024;
    private static final int MAX_DECIMAL_MAGNITUDE = 1_300; // about 10^1300, the size of MAX_BITS
    private static final MathContext MC = MathContext.DECIMAL128;
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);
    static final Num PI = approx(new BigDecimal("3.141592653589793238462643383279503"));

    private final BigInteger n;
    private final BigInteger d;
    private final BigDecimal approx;

    private Num(BigInteger n, BigInteger d, BigDecimal approx) {
        this.n = n;
        this.d = d;
        this.approx = approx;
    }

    static Num of(BigInteger n, BigInteger d) {
        if (d.signum() == 0) {
            throw MathParser.NotNumeric.INSTANCE;
        }
        if (d.signum() < 0) {
            n = n.negate();
            d = d.negate();
        }
        BigInteger g = n.gcd(d);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            n = n.divide(g);
            d = d.divide(g);
        }
        if (n.signum() == 0) {
            d = BigInteger.ONE;
        }
        if (n.bitLength() > MAX_BITS || d.bitLength() > MAX_BITS) {
            throw MathParser.NotNumeric.INSTANCE;
        }
        return new Num(n, d, null);
    }

    static Num of(BigDecimal exact) {
        return exact.scale() <= 0
                ? of(exact.toBigIntegerExact(), BigInteger.ONE)
                : of(exact.unscaledValue(), BigInteger.TEN.pow(exact.scale()));
    }

    private static Num approx(BigDecimal a) {
        if (a.signum() != 0 && Math.abs((long) a.precision() - a.scale()) > MAX_DECIMAL_MAGNITUDE) {
            throw MathParser.NotNumeric.INSTANCE;
        }
        return new Num(null, null, a.round(MC));
    }

    boolean exact() {
        return approx == null;
    }

    BigDecimal decimal() {
        return exact() ? new BigDecimal(n).divide(new BigDecimal(d), MC) : approx;
    }

    Num add(Num o) {
        return exact() && o.exact() ? of(n.multiply(o.d).add(o.n.multiply(d)), d.multiply(o.d)) : approx(decimal().add(o.decimal(), MC));
    }

    Num negate() {
        return exact() ? new Num(n.negate(), d, null) : new Num(null, null, approx.negate());
    }

    Num multiply(Num o) {
        return exact() && o.exact() ? of(n.multiply(o.n), d.multiply(o.d)) : approx(decimal().multiply(o.decimal(), MC));
    }

    Num divide(Num o) {
        if (o.exact() ? o.n.signum() == 0 : o.approx.signum() == 0) {
            throw MathParser.NotNumeric.INSTANCE;
        }
        return exact() && o.exact() ? of(n.multiply(o.d), d.multiply(o.n)) : approx(decimal().divide(o.decimal(), MC));
    }

    /** This to an integer power; only small exponents and results within the size caps. */
    Num pow(Num exponent) {
        if (!exponent.exact() || !exponent.d.equals(BigInteger.ONE) || exponent.n.bitLength() > 11) {
            throw MathParser.NotNumeric.INSTANCE;
        }
        int e = exponent.n.intValueExact();
        if (Math.abs(e) > MAX_EXPONENT) {
            throw MathParser.NotNumeric.INSTANCE;
        }
        if (exact()) {
            if ((long) Math.max(n.bitLength(), d.bitLength()) * Math.abs(e) > MAX_BITS) {
                throw MathParser.NotNumeric.INSTANCE;
            }
            Num p = of(n.pow(Math.abs(e)), d.pow(Math.abs(e)));
            return e >= 0 ? p : of(p.d, p.n);
        }
        if (approx.signum() != 0 && (long) Math.abs(approx.precision() - approx.scale() + 1) * Math.abs(e) > MAX_DECIMAL_MAGNITUDE) {
            throw MathParser.NotNumeric.INSTANCE;
        }
        return approx(approx.pow(e, MC));
    }

    Num sqrt() {
        if (exact()) {
            if (n.signum() < 0) {
                throw MathParser.NotNumeric.INSTANCE;
            }
            BigInteger rn = n.sqrt();
            BigInteger rd = d.sqrt();
            if (rn.multiply(rn).equals(n) && rd.multiply(rd).equals(d)) {
                return of(rn, rd);
            }
        } else if (approx.signum() < 0) {
            throw MathParser.NotNumeric.INSTANCE;
        }
        return approx(decimal().sqrt(MC));
    }

    /**
     * Equal within a relative tolerance of 1e-6 (so 0.333333 matches 1/3), except that two exact integers must be
     * equal exactly (1000000 is not 1000001). Exact rationals are compared in integer arithmetic.
     */
    boolean closeTo(Num o) {
        if (exact() && o.exact()) {
            BigInteger left = n.multiply(o.d);
            BigInteger right = o.n.multiply(d);
            if (d.equals(BigInteger.ONE) && o.d.equals(BigInteger.ONE)) {
                return left.equals(right);
            }
            return left.subtract(right).abs().multiply(MILLION).compareTo(left.abs().max(right.abs())) <= 0;
        }
        BigDecimal a = decimal();
        BigDecimal b = o.decimal();
        return a.subtract(b, MC).abs().multiply(BigDecimal.valueOf(1_000_000)).compareTo(a.abs().max(b.abs())) <= 0;
    }

    /** "72", "0.5", "-3", "1/3" for exact values (a decimal when it terminates); 12 significant digits otherwise. */
    String canonical() {
        if (!exact()) {
            return plain(approx.round(new MathContext(12, RoundingMode.HALF_EVEN)));
        }
        if (terminates(d)) {
            return plain(new BigDecimal(n).divide(new BigDecimal(d)));
        }
        return n + "/" + d;
    }

    private static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    private static boolean terminates(BigInteger d) {
        BigInteger rest = d.shiftRight(d.getLowestSetBit());
        BigInteger five = BigInteger.valueOf(5);
        while (rest.mod(five).signum() == 0) {
            rest = rest.divide(five);
        }
        return rest.equals(BigInteger.ONE);
    }
}
