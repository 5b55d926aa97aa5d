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
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
