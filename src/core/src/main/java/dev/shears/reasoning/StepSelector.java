package dev.shears.reasoning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ASAP's fine stage: delete the least surprising steps first until the kept steps fit the token budget. Kept
 * steps stay in their order; protected steps and steps without a surprisal are never deleted; ties go to the
 * earlier step. A pure function of its inputs.
 */
final class StepSelector {

    private StepSelector() {}

    /** Which steps survive, starting from {@code kept} (steps already removed stay removed). */
    static boolean[] select(double[] surprisals, int[] tokens, boolean[] protect, boolean[] kept, int budget) {
        boolean[] out = kept.clone();
        int used = 0;
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            if (out[i]) {
                used += tokens[i];
                if (!protect[i] && !Double.isNaN(surprisals[i])) {
                    candidates.add(i);
                }
            }
        }
        candidates.sort(Comparator.<Integer>comparingDouble(i -> surprisals[i]).thenComparingInt(i -> i));
        for (int i : candidates) {
            if (used <= budget) {
                break;
            }
            out[i] = false;
            used -= tokens[i];
        }
        return out;
    }

    /** The one step iterative mode deletes next, or -1 when the budget is met or nothing may go. */
    static int next(double[] surprisals, int[] tokens, boolean[] protect, boolean[] kept, int budget) {
        int used = 0;
        int best = -1;
        for (int i = 0; i < kept.length; i++) {
            if (!kept[i]) {
                continue;
            }
            used += tokens[i];
            if (!protect[i] && !Double.isNaN(surprisals[i]) && (best < 0 || surprisals[i] < surprisals[best])) {
                best = i;
            }
        }
        return used <= budget ? -1 : best;
    }
}
