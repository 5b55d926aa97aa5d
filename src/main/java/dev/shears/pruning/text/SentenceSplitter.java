package dev.shears.pruning.text;

import java.util.List;

public interface SentenceSplitter {
    List<TextSpan> split(String text);
}
