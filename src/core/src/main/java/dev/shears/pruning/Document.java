package dev.shears.pruning;

/** A retrieved passage: {@code title} is optional context for scoring and never part of the pruned text. */
public record Document(String id, String title, String text) {
    public Document {
        if (text == null) {
            throw new IllegalArgumentException("document text is null");
        }
    }

    public static Document of(String text) {
        return new Document(null, null, text);
    }

    public boolean hasTitle() {
        return title != null && !title.isBlank();
    }
}
