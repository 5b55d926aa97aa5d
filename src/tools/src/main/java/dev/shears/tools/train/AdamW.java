package dev.shears.tools.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), bias-corrected, over named DJL arrays whose
 * gradients autograd has accumulated; clears the gradients after each step. Its moments are part of a
 * checkpoint, so a resumed run continues exactly. Weight decay applies to matrices only, not to biases and
 * LayerNorm gains (the usual BERT fine-tuning practice).
 */
final class AdamW {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPS = 1e-8f;

    final Map<String, NDArray> params;
    final Map<String, NDArray> first = new LinkedHashMap<>();
    final Map<String, NDArray> second = new LinkedHashMap<>();
    private final float weightDecay;
    long steps;

    AdamW(NDManager manager, Map<String, NDArray> params, float weightDecay) {
        this.params = params;
        this.weightDecay = weightDecay;
        params.forEach((name, p) -> {
            p.setRequiresGradient(true);
            first.put(name, manager.zeros(p.getShape()));
            second.put(name, manager.zeros(p.getShape()));
        });
    }

    /**
     * The usual BERT fine-tuning schedule: a linear rise to {@code peak} over the first {@code warmupShare} of the
     * steps, then a linear fall to 0 at {@code totalSteps}; {@code step} counts from 0.
     */
    static double warmupThenLinearDecay(double peak, double warmupShare, long step, long totalSteps) {
        long warm = Math.max(1, Math.round(warmupShare * totalSteps));
        if (step < warm) {
            return peak * (step + 1) / warm;
        }
        return peak * Math.max(0, (double) (totalSteps - step) / Math.max(1, totalSteps - warm));
    }

    /** One update; {@code learningRate} maps a parameter name to its rate for this step. */
    void step(java.util.function.ToDoubleFunction<String> learningRate) {
        step(learningRate, 0);
    }

    /**
     * One update after scaling all gradients together so their global L2 norm is at most {@code clipNorm} (no
     * clipping when 0); returns the norm before clipping. A non-finite gradient is refused before anything changes,
     * naming the parameters it is in: clipping cannot repair it (an infinite norm scales every gradient to 0 and
     * inf times 0 is NaN), and one such update would turn every weight it reaches into NaN. The refused gradients
     * are cleared, so the next step starts clean.
     */
    double step(java.util.function.ToDoubleFunction<String> learningRate, double clipNorm) {
        return step(learningRate, clipNorm, gradientNorms());
    }

    /** {@link #step(java.util.function.ToDoubleFunction, double)} with the gradients' norms already taken. */
    double step(java.util.function.ToDoubleFunction<String> learningRate, double clipNorm, Map<String, Double> gradientNorms) {
        double squares = 0;
        java.util.List<String> nonFinite = new java.util.ArrayList<>();
        for (Map.Entry<String, Double> e : gradientNorms.entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                nonFinite.add(e.getKey());
            }
            squares += e.getValue() * e.getValue();
        }
        if (!nonFinite.isEmpty()) {
            // a refused step still counts, so a step number means the same in the schedule, the bias correction
            // and a run resumed from a checkpoint (which restores the count from the step number)
            steps++;
            clearGradients();
            throw new NonFiniteGradient(nonFinite);
        }
        double norm = Math.sqrt(squares);
        float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / norm) : 1f;
        if (scale != 1f) {
            for (NDArray p : params.values()) {
                try (NDArray g = p.getGradient()) {
                    g.muli(scale);
                }
            }
        }
        update(learningRate);
        return norm;
    }

    /** L2 norm of each parameter's current gradient (summed in double), by name. */
    Map<String, Double> gradientNorms() {
        Map<String, Double> out = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            try (NDArray g = p.getGradient(); NDArray wide = g.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
                    NDArray norm = wide.norm()) {
                out.put(name, norm.getDouble());
            }
        });
        return out;
    }

    /** A gradient with an infinite or NaN entry; the weights and moments are unchanged. */
    static final class NonFiniteGradient extends IllegalStateException {
        final java.util.List<String> parameters;

        NonFiniteGradient(java.util.List<String> parameters) {
            super("non-finite gradient in " + parameters.size() + " parameters, first " + parameters.get(0));
            this.parameters = parameters;
        }
    }

    private void update(java.util.function.ToDoubleFunction<String> learningRate) {
        steps++;
        float correction1 = (float) (1 - Math.pow(BETA1, steps));
        float correction2 = (float) (1 - Math.pow(BETA2, steps));
        params.forEach((name, p) -> {
            try (NDManager scratch = p.getManager().newSubManager()) {
                NDArray g = p.getGradient();
                g.attach(scratch);
                NDArray m = first.get(name);
                NDArray v = second.get(name);
                m.muli(BETA1).addi(g.mul(1 - BETA1));
                // g is in the scratch manager, so g.mul and g.square are too
                v.muli(BETA2).addi(g.square().muli(1 - BETA2));
                float lr = (float) learningRate.applyAsDouble(name);
                // results are created in their first operand's manager: move each temporary into the scratch one
                NDArray denominator = scratch(scratch, v.div(correction2));
                denominator = scratch(scratch, denominator.sqrt()).addi(EPS);
                NDArray update = scratch(scratch, m.div(correction1)).divi(denominator);
                if (weightDecay > 0 && p.getShape().dimension() > 1) {
                    update.addi(scratch(scratch, p.mul(weightDecay)));
                }
                p.subi(update.muli(lr));
                g.muli(0); // finite: step() checked
            }
        });
    }

    /**
     * Sets every gradient to zero by a native fill: multiplying by 0 would keep a NaN or an infinity, and
     * {@code set(float[])} must not be used on a gradient handle: DJL gives the tensor a new storage owned by the
     * handle's Java buffer, which is freed once the handle is closed while autograd keeps writing into it (the JVM
     * crashed in libc a few steps later).
     */
    private void clearGradients() {
        params.values().forEach(p -> {
            try (NDArray g = p.getGradient()) {
                g.set(new ai.djl.ndarray.index.NDIndex(":"), 0);
            }
        });
    }

    private static NDArray scratch(NDManager scratch, NDArray temporary) {
        temporary.attach(scratch);
        return temporary;
    }
}
