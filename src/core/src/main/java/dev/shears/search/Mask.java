package dev.shears.search;

import java.util.Arrays;

/**
 * Which tokens of a {@link PromptTokens} a candidate keeps. Immutable; its {@link #key()} (one {@code 1} or
 * {@code 0} per token) identifies it in the fitness cache and in checkpoints.
 */
public final class Mask {

    private final boolean[] kept;
    private final String key;

    private Mask(boolean[] kept) {
        this.kept = kept;
        char[] c = new char[kept.length];
        for (int i = 0; i < kept.length; i++) {
            c[i] = kept[i] ? '1' : '0';
        }
        this.key = new String(c);
    }

    public static Mask full(int n) {
        boolean[] k = new boolean[n];
        Arrays.fill(k, true);
        return new Mask(k);
    }

    public static Mask parse(String key) {
        boolean[] k = new boolean[key.length()];
        for (int i = 0; i < k.length; i++) {
            char ch = key.charAt(i);
            if (ch != '0' && ch != '1') {
                throw new IllegalArgumentException("mask key must be 0s and 1s");
            }
            k[i] = ch == '1';
        }
        return new Mask(k);
    }

    public boolean kept(int i) {
        return kept[i];
    }

    public int size() {
        return kept.length;
    }

    public int keptCount() {
        int c = 0;
        for (boolean b : kept) {
            if (b) {
                c++;
            }
        }
        return c;
    }

    /** A copy with the given positions deleted. */
    public Mask without(int... positions) {
        boolean[] k = kept.clone();
        for (int p : positions) {
            k[p] = false;
        }
        return new Mask(k);
    }

    public String key() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && m.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }
}
