package dev.shears.onnx.ngram;

import edu.cmu.sphinx.linguist.WordSequence;
import edu.cmu.sphinx.linguist.dictionary.Dictionary;
import edu.cmu.sphinx.linguist.dictionary.Word;
import edu.cmu.sphinx.linguist.language.ngram.trie.NgramTrieModel;
import edu.cmu.sphinx.util.props.PropertySheet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * CMU's own reader of en-us.lm.bin (sphinx4-core, test scope only): the independent reference the trigram reader
 * is checked against. Loaded once per test JVM from a temporary copy of the resource (sphinx4's URL loader pads
 * short reads, so it is given a file).
 */
final class SphinxReference {

    static final String RESOURCE = "edu/cmu/sphinx/models/en-us/en-us.lm.bin";

    private static SphinxReference instance;

    private final NgramTrieModel model;

    private SphinxReference(Path file) throws IOException {
        model = new NgramTrieModel("", file.toUri().toURL(), null, 100_000, false, 3, new SpellingDictionary(), false,
                1f, 1.0, 1f);
        model.allocate();
    }

    static synchronized SphinxReference get() {
        if (instance == null) {
            try (InputStream in = SphinxReference.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                Path file = Files.createTempFile("en-us", ".lm.bin");
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                instance = new SphinxReference(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** log10 P(last word | the words before it); 1 to 3 vocabulary words. */
    double log10(String... words) {
        Word[] seq = Arrays.stream(words).map(w -> new Word(w, null, false)).toArray(Word[]::new);
        return model.getProbability(new WordSequence(seq)) * TrigramTrie.LOG10_PER_UNIT;
    }

    double ln(String... words) {
        return log10(words) * Math.log(10);
    }

    /** Maps every spelling to a word, which is all NgramTrieModel needs of a dictionary. */
    private static final class SpellingDictionary implements Dictionary {
        @Override
        public Word getWord(String text) {
            return new Word(text, null, false);
        }

        @Override
        public Word getSentenceStartWord() {
            return getWord(TrigramTrie.SENTENCE_START);
        }

        @Override
        public Word getSentenceEndWord() {
            return getWord(TrigramTrie.SENTENCE_END);
        }

        @Override
        public Word getSilenceWord() {
            return getWord("<sil>");
        }

        @Override
        public Word[] getFillerWords() {
            return new Word[0];
        }

        @Override
        public void allocate() {}

        @Override
        public void deallocate() {}

        @Override
        public void newProperties(PropertySheet ps) {}
    }
}
