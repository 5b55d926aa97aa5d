package dev.shears.onnx.ngram;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts text into the tokens a word n-gram model scores, with exact UTF-16 offsets:
 * <ul>
 *   <li>a <b>word</b> is a run of letters (and combining marks), with apostrophes ({@code '} or {@code ’}) allowed
 *       between letters ({@code don't}); it is looked up lowercased, {@code ’} as {@code '}, accents stripped
 *       ({@code Café} = {@code cafe});</li>
 *   <li>a <b>number</b> is a run of decimal digits with inner {@code ,} or {@code .} followed by a digit; it is
 *       looked up as its spoken words ({@link NumberWords});</li>
 *   <li>everything else (spaces, punctuation, symbols, emoji) is no token; {@code .}, {@code !}, {@code ?} or
 *       {@code …} not directly followed by a letter or digit, and a blank line, end a sentence: the next token
 *       starts a new sentence.</li>
 * </ul>
 * No token crosses {@code boundary} (the prompt/continuation join), so a prompt and its continuation are cut as
 * if separate, while a blank line or sentence end spanning the join still counts.
 */
final class WordTokenizer {

    /** One token: {@code [start, end)} in the text, the vocabulary words it is scored as, and whether a sentence starts with it. */
    record Token(int start, int end, List<String> words, boolean number, boolean sentenceStart) {}

    private WordTokenizer() {
    }

    static List<Token> tokenize(String text, int boundary) {
        List<Token> out = new ArrayList<>();
        boolean sentenceStart = true;
        int n = text.length();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            int limit = i < boundary ? boundary : n;
            if (Character.isLetter(cp)) {
                int end = wordEnd(text, i, limit);
                out.add(new Token(i, end, List.of(lookupKey(text.substring(i, end))), false, sentenceStart));
                sentenceStart = false;
                i = end;
            } else if (Character.isDigit(cp)) {
                int end = numberEnd(text, i, limit);
                out.add(new Token(i, end, NumberWords.spoken(text.substring(i, end)), true, sentenceStart));
                sentenceStart = false;
                i = end;
            } else {
                if (cp == '.' || cp == '!' || cp == '?' || cp == '\u2026') {
                    int next = i + 1 < n ? text.codePointAt(i + 1) : ' ';
                    sentenceStart |= !Character.isLetterOrDigit(next);
                } else if (cp == '\n') {
                    sentenceStart |= blankLineFollows(text, i + 1);
                }
                i += Character.charCount(cp);
            }
        }
        return out;
    }

    /** The vocabulary form of a word: lowercase, typographic apostrophe as ASCII, accents stripped. */
    static String lookupKey(String word) {
        String key = word.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) > 0x7F) {
                return Normalizer.normalize(key, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
            }
        }
        return key;
    }

    private static int wordEnd(String text, int i, int limit) {
        while (i < limit) {
            int cp = text.codePointAt(i);
            if (Character.isLetter(cp) || isMark(cp)) {
                i += Character.charCount(cp);
            } else if ((cp == '\'' || cp == '\u2019') && i + 1 < limit && Character.isLetter(text.codePointAt(i + 1))) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static int numberEnd(String text, int i, int limit) {
        while (i < limit) {
            int cp = text.codePointAt(i);
            if (Character.isDigit(cp)) {
                i += Character.charCount(cp);
            } else if ((cp == ',' || cp == '.') && i + 1 < limit && Character.isDigit(text.codePointAt(i + 1))) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean blankLineFollows(String text, int i) {
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return false;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
