package dev.shears.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.provence.OnnxProvenceModel;
import dev.shears.onnx.provence.ProvenceRelevanceModel;
import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.PrunedDocument;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed fine-tuned model loads through its manifest (every checksum) and keeps the answer of the README's example at its default threshold. */
class FineTunedProvenceModelTest {

    static final Path MODEL = Path.of("../../models/bge-small-provence-ft-wikiqa");

    @Test
    void loadsAndKeepsTheAnswerOfTheReadmeExample() {
        try (OnnxProvenceModel model = OnnxProvenceModel.load(ModelLocation.parse(MODEL.toString()), RuntimeOptions.defaults())) {
            assertEquals(256, model.manifest().maxLength());
            ContextPruner pruner = new ContextPruner(new DefaultSentenceSplitter(), ProvenceRelevanceModel.of(model));
            String text = "The Eiffel Tower is in Paris. Bananas are edible fruit. The tower is 330 metres tall.";
            PrunedDocument doc = pruner.prune("How tall is the Eiffel Tower?", List.of(new Document("d", null, text)),
                    PruningOptions.defaults()).documents().get(0);
            assertTrue(doc.sentences().stream().anyMatch(s -> s.kept() && text.substring(s.start(), s.end()).contains("330")),
                    "the answer sentence is kept: " + doc.sentences());
            // no ordering asserted: the model is weak (see models/README.md), this pins loading and the default threshold
            assertTrue(doc.sentences().stream().allMatch(x -> x.score() >= 0 && x.score() <= 1), doc.sentences().toString());
        }
    }
}
