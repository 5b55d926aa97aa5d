package dev.shears.pruning;

import dev.shears.pruning.text.TextSpan;
import java.util.List;

/** A document cut into sentence spans that tile its text. */
public record SplitDocument(Document document, List<TextSpan> sentences) {

    public String sentence(int i) {
        return sentences.get(i).content(document.text());
    }

    public int size() {
        return sentences.size();
    }
}
