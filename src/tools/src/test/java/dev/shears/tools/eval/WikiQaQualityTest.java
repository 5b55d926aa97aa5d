package dev.shears.tools.eval;

import dev.shears.onnx.encoder.OfflineModels;

import dev.shears.eval.PruningEvaluation;
import dev.shears.eval.WikiQa;
import dev.shears.testing.WikiQaFiles;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.PruningOptions;
import dev.shears.onnx.encoder.EncoderModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The quality floor of the default configuration on WikiQA dev (the head was fitted on train only): the
 * issue asks for answer kept >= 0.95 with compression >= 0.45.
 */
class WikiQaQualityTest {

    @Test
    void default_settings_keep_answers_and_compress_on_wikiqa_dev() throws Exception {
        List<WikiQa.Question> questions = WikiQa.read(WikiQaFiles.require("WikiQA-dev.tsv.gz"));
        try (EncoderModel encoder = OfflineModels.encoder(OfflineModels.DEFAULT_MODEL)) {
            ContextPruner pruner = OfflineModels.pruner(encoder);
            PruningEvaluation.Metrics m = PruningEvaluation.run(pruner, questions, PruningOptions.defaults());
            System.out.println(PruningEvaluation.Metrics.header() + "\n" + m.row());
            assertTrue(m.questions() == 296 && m.answerable() == 126, "unexpected dev split: " + m);
            assertTrue(m.answerKept() >= 0.95, "answer kept " + m.answerKept() + " < 0.95");
            assertTrue(m.compression() >= 0.45, "compression " + m.compression() + " < 0.45");
        }
    }

    /**
     * The committed structurally pruned model (issue 17) loads through its manifest and keeps the quality its
     * README section reports (dev at its threshold 0.025, fitted on train questions the distillation did not see:
     * answer kept 0.960, compression 0.599; at 0.019: 0.968, 0.543; served with fused layer norms), with a
     * question's margin for other CPUs' int8 kernels.
     */
    @Test
    void the_committed_pruned_model_keeps_its_documented_quality() throws Exception {
        List<WikiQa.Question> questions = WikiQa.read(WikiQaFiles.require("WikiQA-dev.tsv.gz"));
        try (EncoderModel encoder = OfflineModels.encoder("../../models/bge-small-structured-mlp50-drop3")) {
            ContextPruner pruner = OfflineModels.pruner(encoder);
            PruningEvaluation.Metrics fitted = PruningEvaluation.run(pruner, questions, PruningOptions.defaults());
            PruningEvaluation.Metrics at0019 = PruningEvaluation.run(pruner, questions,
                    PruningOptions.defaults().withThreshold(0.019));
            System.out.println(PruningEvaluation.Metrics.header() + "\n" + fitted.row() + "\n" + at0019.row());
            assertTrue(fitted.answerKept() >= 0.95 && fitted.compression() >= 0.58, "at the fitted threshold: " + fitted);
            assertTrue(at0019.answerKept() >= 0.96 && at0019.compression() >= 0.52, "at 0.019: " + at0019);
        }
    }
}
