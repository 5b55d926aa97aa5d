package dev.shears.tools.eval;

import dev.shears.eval.PruningEvaluation;
import dev.shears.eval.WikiQa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WikiQaTest {

    @Test
    void reads_questions_with_their_sentences_in_order(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mini.tsv");
        Files.writeString(file, "QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel\r\n"
                + "Q1\tWho?\tD1\tT\tD1-0\tFirst one .\t0\r\n"
                + "Q1\tWho?\tD1\tT\tD1-1\tSecond one .\t1\r\n"
                + "Q2\tWhat?\tD2\tU\tD2-0\tOnly .\t0\r\n");
        List<WikiQa.Question> qs = WikiQa.read(file);
        assertEquals(2, qs.size());
        assertEquals("First one . Second one .", qs.get(0).passage());
        assertTrue(qs.get(0).answerable());
        assertEquals(12, qs.get(0).sentenceSpans()[1][0]);
        assertEquals(List.of(false), qs.get(1).labels());
    }

    @Test
    void refuses_a_file_in_another_format(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.tsv");
        Files.writeString(file, "a\tb\n");
        assertThrows(IOException.class, () -> WikiQa.read(file));
    }

    @Test
    void overlap_share_counts_covered_characters() {
        assertEquals(0.5, PruningEvaluation.overlapShare(List.of(new int[] {0, 5}), 0, 10), 1e-12);
        assertEquals(0.0, PruningEvaluation.overlapShare(List.of(new int[] {10, 20}), 0, 10), 1e-12);
    }
}
