package dev.shears.pruning.provence;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link TokenKeepModel} over passages and turns token keep-probabilities into sentence scores
 * (algorithms.md §1.4 steps 5–8): pack each passage into blocks with the query in every block, run all blocks
 * of all passages in one call, take the mean probability of each fragment's tokens, average a sentence's
 * fragment means, and compute the rounding rule's critical threshold. Document relevance is the maximum rank
 * logit over the passage's blocks. Pure Java; thread-safe when the model is.
 */
public final class ProvenceScorer {

    private final TokenKeepModel model;
    private final BlockPacker packer;
    private final SentenceRounding rounding;

    public ProvenceScorer(TokenKeepModel model, BlockPacker packer, SentenceRounding rounding) {
        this.model = model;
        this.packer = packer;
        this.rounding = rounding;
    }

    public BlockPacker packer() {
        return packer;
    }

    public SentenceRounding rounding() {
        return rounding;
    }

    /** A passage to score: its sentences' tokens, and whether sentence 0 is a title sentence. */
    public record Passage(SentenceAlignment sentences, boolean titleFirst) {}

    public List<PassageScores> score(long[] query, List<Passage> passages) {
        List<List<BlockPacker.Block>> packed = new ArrayList<>(passages.size());
        List<long[]> inputs = new ArrayList<>();
        for (Passage p : passages) {
            List<BlockPacker.Block> blocks = packer.pack(query, p.sentences());
            packed.add(blocks);
            blocks.forEach(b -> inputs.add(b.ids()));
        }
        List<TokenKeepModel.BlockOutput> outputs = inputs.isEmpty() ? List.of() : model.run(inputs);
        if (outputs.size() != inputs.size()) {
            throw new IllegalStateException("model returned " + outputs.size() + " outputs for " + inputs.size() + " blocks");
        }
        List<PassageScores> out = new ArrayList<>(passages.size());
        int next = 0;
        for (int d = 0; d < passages.size(); d++) {
            List<BlockPacker.Block> blocks = packed.get(d);
            out.add(aggregate(passages.get(d), blocks, outputs.subList(next, next + blocks.size())));
            next += blocks.size();
        }
        return out;
    }

    PassageScores aggregate(Passage passage, List<BlockPacker.Block> blocks, List<TokenKeepModel.BlockOutput> outputs) {
        int n = passage.sentences().size();
        double[] fragmentSum = new double[n];
        int[] fragments = new int[n];
        List<List<Double>> probs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            probs.add(new ArrayList<>());
        }
        double rank = Double.NaN;
        for (int b = 0; b < blocks.size(); b++) {
            BlockPacker.Block block = blocks.get(b);
            TokenKeepModel.BlockOutput o = outputs.get(b);
            if (o.keepProbs().length != block.ids().length) {
                throw new IllegalStateException("model returned " + o.keepProbs().length + " token probabilities for a block of "
                        + block.ids().length + " tokens");
            }
            rank = Double.isNaN(rank) ? o.rankLogit() : Math.max(rank, o.rankLogit());
            for (BlockPacker.Fragment f : block.fragments()) {
                if (f.length() == 0) {
                    continue;
                }
                double sum = 0;
                for (int k = f.offset(); k < f.offset() + f.length(); k++) {
                    double p = o.keepProbs()[k];
                    sum += p;
                    probs.get(f.sentence()).add(p);
                }
                fragmentSum[f.sentence()] += sum / f.length();
                fragments[f.sentence()]++;
            }
        }
        double[] mean = new double[n];
        double[] critical = new double[n];
        double[][] tokenProbs = new double[n][];
        for (int i = 0; i < n; i++) {
            mean[i] = fragments[i] == 0 ? 0 : Math.max(0, Math.min(1, fragmentSum[i] / fragments[i]));
            tokenProbs[i] = probs.get(i).stream().mapToDouble(Double::doubleValue).toArray();
            critical[i] = rounding.criticalThreshold(mean[i], tokenProbs[i]);
        }
        return new PassageScores(mean, critical, tokenProbs, rank, blocks.size(), passage.titleFirst());
    }
}
