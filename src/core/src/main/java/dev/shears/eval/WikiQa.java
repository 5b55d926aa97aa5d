package dev.shears.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The WikiQA answer-sentence-selection format (tab-separated, one header line, gzip optional): per question
 * the sentences of one Wikipedia summary, in page order, labelled 1 when they answer it.
 */
public final class WikiQa {

    private WikiQa() {}

    /**
     * One question with its passage. {@code answerSpans[i]} is the character range of sentence i inside
     * {@link #passage()}, which joins the sentences with single spaces.
     */
    public record Question(String id, String question, String title, List<String> sentences, List<Boolean> labels) {

        public String passage() {
            return String.join(" ", sentences);
        }

        public boolean answerable() {
            return labels.contains(Boolean.TRUE);
        }

        /** [start, end) of each sentence within {@link #passage()}. */
        public int[][] sentenceSpans() {
            int[][] spans = new int[sentences.size()][];
            int at = 0;
            for (int i = 0; i < spans.length; i++) {
                spans[i] = new int[] {at, at + sentences.get(i).length()};
                at += sentences.get(i).length() + 1;
            }
            return spans;
        }
    }

    public static List<Question> read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = reader.readLine();
            if (header == null || !header.startsWith("QuestionID\tQuestion\tDocumentID\tDocumentTitle")) {
                throw new IOException(file + " is not in WikiQA format (header: QuestionID Question DocumentID"
                        + " DocumentTitle SentenceID Sentence Label)");
            }
            Map<String, Builder> questions = new LinkedHashMap<>();
            String line;
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 7) {
                    throw new IOException(file + ":" + lineNo + ": expected 7 tab-separated fields, found " + f.length);
                }
                Builder b = questions.computeIfAbsent(f[0], id -> new Builder(id, f[1], f[3]));
                b.sentences.add(f[5].strip());
                b.labels.add("1".equals(f[6].strip()));
            }
            return questions.values().stream().map(Builder::build).toList();
        }
    }

    private static final class Builder {
        final String id;
        final String question;
        final String title;
        final List<String> sentences = new ArrayList<>();
        final List<Boolean> labels = new ArrayList<>();

        Builder(String id, String question, String title) {
            this.id = id;
            this.question = question;
            this.title = title;
        }

        Question build() {
            return new Question(id, question, title, List.copyOf(sentences), List.copyOf(labels));
        }
    }
}
