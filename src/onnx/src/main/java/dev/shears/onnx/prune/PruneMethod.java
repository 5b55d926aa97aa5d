package dev.shears.onnx.prune;

/** Unstructured and semi-structured weight pruning methods. */
public enum PruneMethod {
    /** |W|, the lowest share of each layer. */
    MAGNITUDE,
    /** |W|, the lowest share over all layers, with a per-layer floor. */
    MAGNITUDE_GLOBAL,
    /** |W| * ||X||, the lowest share of each output's weights (Sun et al. 2023). */
    WANDA;

    public static PruneMethod parse(String s) {
        return CliNames.parse(PruneMethod.class, s);
    }

    public String cliName() {
        return CliNames.of(this);
    }
}
