package dev.shears.pruning.text;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;
import java.util.ArrayList;
import java.util.List;

/** TEMPORARY stand-in until the full splitter lands. */
public final class DefaultSentenceSplitter implements SentenceSplitter {
    @Override
    public List<TextSpan> split(String text) {
        List<TextSpan> out = new ArrayList<>();
        if (text.isBlank()) return out;
        BreakIterator it = BreakIterator.getSentenceInstance(new ULocale("en@ss=standard"));
        it.setText(text);
        int start = 0;
        for (int end = it.next(); end != BreakIterator.DONE; end = it.next()) {
            int ce = end;
            while (ce > start && Character.isWhitespace(text.charAt(ce - 1))) ce--;
            if (ce == start && !out.isEmpty()) {
                TextSpan last = out.remove(out.size() - 1);
                out.add(new TextSpan(last.start(), last.contentEnd(), end, last.kind()));
            } else {
                out.add(new TextSpan(start, ce, end, SpanKind.PROSE));
            }
            start = end;
        }
        return out;
    }
}
