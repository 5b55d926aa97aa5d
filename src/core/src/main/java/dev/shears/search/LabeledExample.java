package dev.shears.search;

/** One labelled example: {@code input} fills the prompt's {@code {input}} placeholder; {@code label} indexes the label words. */
public record LabeledExample(String input, int label) {
    public LabeledExample {
        if (input == null) {
            throw new IllegalArgumentException("input must not be null");
        }
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0");
        }
    }
}
