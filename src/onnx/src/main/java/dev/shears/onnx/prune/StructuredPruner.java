package dev.shears.onnx.prune;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Structured pruning of a BERT-style encoder ({@link EncoderBlocks}): the graph gets physically smaller, so it is
 * faster on any hardware. In order:
 * <ol>
 *   <li>whole blocks: the {@code dropBlocks} blocks whose output is closest (mean cosine over calibration
 *       tokens) to their input are removed and the residual stream is wired past them;</li>
 *   <li>then, on the model without them, per remaining block: MLP channels (columns of the intermediate dense
 *       layer and its bias, rows of the output dense layer) and attention heads (the head's Q, K and V columns
 *       and biases, its rows of the attention output projection, and the head-count shape constants). Each
 *       block keeps the same share. A channel's importance is Wanda's, summed over its outgoing weights:
 *       ||x_c|| * sum_o |W_out[c, o]|, with x the input of the following projection; a head's is the sum over
 *       its features;</li>
 *   <li>the following projection (MLP output dense, attention output) is re-fitted by ridge least squares to
 *       reproduce, from the kept inputs, its original output or the unpruned model's ({@link Reconstruction},
 *       {@link InputReconstruction}), bias included.</li>
 * </ol>
 * Statistics for step 2 are captured on the model after step 1 (and, block by block, after the earlier blocks'
 * channels and heads are gone), so the reconstruction sees the inputs the pruned model will get.
 *
 * @param mlpKeep     share of MLP channels each block keeps (1 = all)
 * @param headsKeep   share of attention heads each block keeps (1 = all)
 * @param dropBlocks  number of whole blocks to remove
 * @param channelStep kept MLP channels are rounded to a multiple of this (GEMM-friendly widths)
 * @param reconstruction how the following projections are re-fitted (by least squares, or not)
 * @param ridge       ridge strength relative to the kept inputs' mean second moment
 */
public record StructuredPruner(double mlpKeep, double headsKeep, int dropBlocks, int channelStep,
        Reconstruction reconstruction, double ridge) {

    /** How the projection after removed channels or heads is re-fitted. */
    public enum Reconstruction {
        /** Not at all: the kept rows and the bias stay as they were. */
        NONE,
        /** To the layer's own output, statistics from one calibration pass on the model after step 1. */
        LAYER,
        /**
         * To the layer's own output, block by block: each block's statistics come from the model with the blocks
         * before it already pruned (one pass per block, each cut after that block).
         */
        LAYER_SEQUENTIAL,
        /**
         * Block by block as {@link #LAYER_SEQUENTIAL}, but to what the unpruned model (after step 1) adds to its
         * residual stream there, less the difference already in the pruned model's residual stream: the refit
         * also absorbs the error of the blocks before it. Both models run side by side in one graph.
         */
        SOURCE;

        public static Reconstruction parse(String s) {
            return CliNames.parse(Reconstruction.class, s);
        }

        public String cliName() {
            return CliNames.of(this);
        }

        boolean blockByBlock() {
            return this == LAYER_SEQUENTIAL || this == SOURCE;
        }
    }


    public StructuredPruner {
        java.util.Objects.requireNonNull(reconstruction);
        if (mlpKeep <= 0 || mlpKeep > 1 || headsKeep <= 0 || headsKeep > 1 || dropBlocks < 0 || channelStep < 1
                || ridge < 0) {
            throw new IllegalArgumentException("keep shares must be in (0, 1], blocks to drop >= 0, channel step >= 1,"
                    + " ridge >= 0");
        }
    }

    /**
     * What happened to one block of the source model: its input/output cosine, whether it was removed, and (if
     * not) which of its MLP channels and heads were kept.
     */
    public record BlockReport(int index, double cosine, boolean dropped, int channels, int[] keptChannels, int heads,
            int[] keptHeads) {}

    /** The pruned model, per-block reports, and weight counts of the linear layers before and after. */
    public record Result(ModelProto model, List<BlockReport> blocks, long linearWeightsBefore, long linearWeightsAfter) {}

    public Result prune(ModelProto source, List<long[]> calibration) throws OrtException {
        List<EncoderBlock> blocks = EncoderBlocks.find(source.getGraph());
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("no BERT-style encoder blocks found (/encoder/layer.N/... MatMul names)");
        }
        if (dropBlocks >= blocks.size()) {
            throw new IllegalArgumentException("cannot drop " + dropBlocks + " of " + blocks.size() + " blocks");
        }
        long before = linearWeights(source);
        double[] cosines = Calibration.blockCosines(source, blocks, calibration);
        int[] dropped = IntStream.range(0, blocks.size()).boxed()
                .sorted((a, b) -> Double.compare(cosines[b], cosines[a])).limit(dropBlocks)
                .mapToInt(Integer::intValue).sorted().toArray();
        ModelProto model = source;
        for (int k = dropped.length - 1; k >= 0; k--) {
            model = StructuredEdits.dropBlock(model, blocks.get(dropped[k]));
        }
        StructuredEdits.Editor editor = new StructuredEdits.Editor(model);
        List<EncoderBlock> kept = EncoderBlocks.find(model.getGraph());
        Map<Integer, int[]> keptChannels = new HashMap<>();
        Map<Integer, int[]> keptHeads = new HashMap<>();
        if (mlpKeep < 1 || headsKeep < 1) {
            Map<String, Calibration.Gram> grams = reconstruction.blockByBlock() ? Map.of()
                    : Calibration.grams(model, inputWidths(kept), calibration);
            for (EncoderBlock b : kept) {
                if (reconstruction == Reconstruction.LAYER_SEQUENTIAL) {
                    grams = Calibration.grams(editor.build(), inputWidths(List.of(b)), calibration);
                } else if (reconstruction == Reconstruction.SOURCE) {
                    grams = sourceMoments(editor.build(), model, b, calibration);
                }
                if (mlpKeep < 1) {
                    int[] channels = pruneMlp(editor, b, grams.get(b.mlpOutput().layer().input()));
                    keptChannels.put(b.index(), channels);
                }
                if (headsKeep < 1) {
                    keptHeads.put(b.index(), pruneHeads(editor, b, grams.get(b.attentionOutput().layer().input())));
                }
            }
        }
        ModelProto pruned = StructuredEdits.withoutUnusedParts(editor.build());
        List<BlockReport> reports = new ArrayList<>();
        for (EncoderBlock b : blocks) {
            int channels = b.intermediate().layer().out();
            boolean gone = Arrays.binarySearch(dropped, blocks.indexOf(b)) >= 0;
            int[] heads = gone ? new int[0] : keptHeads.getOrDefault(b.index(), IntStream.range(0, b.heads()).toArray());
            int[] mlp = gone ? new int[0] : keptChannels.getOrDefault(b.index(), IntStream.range(0, channels).toArray());
            reports.add(new BlockReport(b.index(), cosines[blocks.indexOf(b)], gone, channels, mlp, b.heads(), heads));
        }
        return new Result(pruned, reports, before, linearWeights(pruned));
    }

    /** The inputs of the projections that follow MLP channels and heads, with their widths. */
    private static Map<String, Integer> inputWidths(List<EncoderBlock> blocks) {
        Map<String, Integer> widths = new HashMap<>();
        for (EncoderBlock b : blocks) {
            widths.put(b.mlpOutput().layer().input(), b.mlpOutput().layer().in());
            widths.put(b.attentionOutput().layer().input(), b.attentionOutput().layer().in());
        }
        return widths;
    }

    private static final String SOURCE_PREFIX = "source:";

    /**
     * Moments of block {@code b}'s two projection inputs in the partly pruned model, each with its cross products
     * with (unpruned model's residual sum) - (pruned model's residual input) at that projection.
     */
    private static Map<String, Calibration.Gram> sourceMoments(ModelProto pruned, ModelProto source, EncoderBlock b,
            List<long[]> calibration) throws OrtException {
        dev.shears.onnx.graph.OnnxGraphBuilder both = dev.shears.onnx.graph.OnnxGraphBuilder.edit(
                StructuredEdits.withReference(pruned, source, SOURCE_PREFIX));
        Map<String, Calibration.Target> targets = new HashMap<>();
        for (EncoderBlock.Projection p : List.of(b.attentionOutput(), b.mlpOutput())) {
            String[] sum = EncoderBlocks.residualSum(pruned.getGraph(), p);
            String target = both.op("Sub", SOURCE_PREFIX + sum[0], sum[1]);
            targets.put(p.layer().input(), new Calibration.Target(target, p.layer().out()));
        }
        return Calibration.grams(both.build(), inputWidths(List.of(b)), targets, calibration);
    }

    /** Removes the block's least important MLP channels; returns the kept ones. */
    private int[] pruneMlp(StructuredEdits.Editor editor, EncoderBlock b, Calibration.Gram gram) {
        int channels = b.intermediate().layer().out();
        int keep = Math.max(channelStep, (int) Math.round(mlpKeep * channels / channelStep) * channelStep);
        int[] kept = mostImportant(featureImportance(editor, b.mlpOutput(), gram), 1, Math.min(keep, channels));
        editor.keepOutputs(b.intermediate(), kept);
        refitInputs(editor, b.mlpOutput(), gram, kept);
        return kept;
    }

    /** Removes the block's least important heads; returns the kept ones. */
    private int[] pruneHeads(StructuredEdits.Editor editor, EncoderBlock b, Calibration.Gram gram) {
        int keep = Math.max(1, (int) Math.round(headsKeep * b.heads()));
        int[] heads = mostImportant(featureImportance(editor, b.attentionOutput(), gram), b.headSize(), keep);
        int[] features = IntStream.of(heads).flatMap(h -> IntStream.range(h * b.headSize(), (h + 1) * b.headSize()))
                .toArray();
        b.headProjections().forEach(p -> editor.keepOutputs(p, features));
        refitInputs(editor, b.attentionOutput(), gram, features);
        b.headCounts().forEach(c -> editor.setShapeConstant(c, heads.length));
        editor.setShapeConstant(b.contextWidth(), features.length);
        return heads;
    }

    private void refitInputs(StructuredEdits.Editor editor, EncoderBlock.Projection p, Calibration.Gram gram, int[] kept) {
        float[] w = editor.inputMajorWeights(p.layer());
        float[] bias = editor.floats(p.bias());
        int out = p.layer().out();
        if (reconstruction == Reconstruction.NONE) {
            editor.setInputs(p, kept.length, InputReconstruction.keepRows(w, out, kept), bias);
        } else {
            InputReconstruction.Refit r = reconstruction == Reconstruction.SOURCE
                    ? InputReconstruction.refitToTarget(gram, gram.cross(), kept, ridge)
                    : InputReconstruction.refit(gram, w, bias, out, kept, ridge);
            editor.setInputs(p, kept.length, r.weights(), r.bias());
        }
    }

    /** Per input feature of {@code p}: ||x_i|| * sum_o |W[i, o]|. */
    private static double[] featureImportance(StructuredEdits.Editor editor, EncoderBlock.Projection p,
            Calibration.Gram gram) {
        float[] w = editor.inputMajorWeights(p.layer());
        int out = p.layer().out();
        double[] score = new double[p.layer().in()];
        for (int i = 0; i < score.length; i++) {
            double l1 = 0;
            for (int o = 0; o < out; o++) {
                l1 += Math.abs(w[i * out + o]);
            }
            score[i] = gram.norm(i) * l1;
        }
        return score;
    }

    /**
     * The {@code keep} most important groups of {@code groupSize} consecutive features (importance summed per
     * group), in ascending order; ties go to the earlier group.
     */
    static int[] mostImportant(double[] featureScores, int groupSize, int keep) {
        int groups = featureScores.length / groupSize;
        double[] score = new double[groups];
        for (int i = 0; i < groups * groupSize; i++) {
            score[i / groupSize] += featureScores[i];
        }
        return IntStream.range(0, groups).boxed().sorted((a, b) -> {
            int c = Double.compare(score[b], score[a]);
            return c != 0 ? c : Integer.compare(a, b);
        }).limit(keep).mapToInt(Integer::intValue).sorted().toArray();
    }

    static long linearWeights(ModelProto model) {
        return LinearLayers.find(model.getGraph()).stream().mapToLong(LinearLayer::size).sum();
    }
}
