package dev.shears.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.eval.WikiQa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's example is {@link ReadmeExample}'s code, line for line, and it runs. */
class ReadmeExampleTest {

    static final Path ROOT = Path.of(System.getProperty("shears.root", "../.."));

    @Test
    void the_readme_quotes_the_example() throws Exception {
        List<String> code = Files.readAllLines(Path.of("src/test/java/dev/shears/langchain4j/ReadmeExample.java"));
        List<String> snippet = code.subList(code.indexOf("        // README-start") + 1, code.indexOf("        // README-end"))
                .stream().map(l -> l.substring(8)).toList();
        String readme = Files.readString(ROOT.resolve("README.md"));
        String block = readme.substring(readme.indexOf("```java\n", readme.indexOf("## LangChain4j")) + 8);
        assertEquals(snippet, Arrays.asList(block.substring(0, block.indexOf("```")).split("\n")));
    }

    @Test
    void the_example_runs_in_process() {
        WikiQaRag rag = new WikiQaRag();
        WikiQa.Question q = rag.questions.get(4);
        WikiQaRag.RecordingChatModel chat = new WikiQaRag.RecordingChatModel();
        try (Shears shears = Shears.builder().inProcess().build()) {
            ReadmeExample.assistant(shears, chat, rag.store, rag.embeddings).answer(q.question());
        }
        String prompt = chat.lastUserText();
        assertTrue(prompt.startsWith(q.question() + "\n\nAnswer using the following information:\n"), prompt);
        assertTrue(prompt.split("\n\n").length <= 1 + 4, prompt);
        assertTrue(rag.questions.stream().noneMatch(x -> prompt.contains(x.passage())), "nothing pruned: " + prompt);
    }
}
