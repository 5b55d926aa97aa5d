package dev.shears.tools.eval;

import dev.shears.eval.WikiQa;
import dev.shears.onnx.TextTokenizer;
import dev.shears.onnx.provence.ProvenceRelevanceModel;
import dev.shears.pruning.provence.BlockPacker;
import dev.shears.pruning.provence.SentenceAlignment;
import dev.shears.pruning.provence.TokenKeepModel;
import java.util.ArrayList;
import java.util.List;

/**
 * WikiQA questions encoded Provence-style exactly as at inference: per question the title sentence and the
 * passage sentences are tokenized one by one and packed into {@code [CLS] question [SEP] block [SEP]} blocks
 * ({@link BlockPacker}); every context token belongs to one sentence, labelled 1 when that is an answer sentence.
 */
public final class WikiQaBlocks {

    /** One packed block of question {@code question}, whose sentences start at {@code sentenceBase} in the layout. */
    public record Block(int question, int sentenceBase, BlockPacker.Block packed) {

        public long[] ids() {
            return packed.ids();
        }

        public int contextTokens() {
            return packed.fragments().stream().mapToInt(BlockPacker.Fragment::length).sum();
        }
    }

    public final List<Block> blocks;
    public final PassageLayout layout;
    public final long sep;

    private WikiQaBlocks(List<Block> blocks, PassageLayout layout, long sep) {
        this.blocks = blocks;
        this.layout = layout;
        this.sep = sep;
    }

    public static WikiQaBlocks pack(List<WikiQa.Question> questions, TextTokenizer tokenizer, int maxLength) {
        long[] specials = tokenizer.encode("", true).ids();
        BlockPacker packer = BlockPacker.bert(maxLength, specials[0], specials[1]);
        List<Block> blocks = new ArrayList<>();
        List<Integer> sentQ = new ArrayList<>();
        List<Integer> sentChars = new ArrayList<>();
        List<Boolean> sentAnswer = new ArrayList<>();
        List<Boolean> sentTitle = new ArrayList<>();
        int[] first = new int[questions.size()];
        int[] count = new int[questions.size()];
        boolean[] answerable = new boolean[questions.size()];
        for (int qi = 0; qi < questions.size(); qi++) {
            WikiQa.Question q = questions.get(qi);
            List<String> sentences = ProvenceRelevanceModel.scoredSentences(q.title(), q.sentences());
            boolean titled = sentences.size() > q.sentences().size();
            SentenceAlignment a = SentenceAlignment.of(sentences, s -> tokenizer.encode(s, false).ids());
            int base = sentQ.size();
            first[qi] = base;
            count[qi] = sentences.size();
            answerable[qi] = q.answerable();
            for (int s = 0; s < sentences.size(); s++) {
                int src = titled ? s - 1 : s;
                sentQ.add(qi);
                sentChars.add(src < 0 ? 0 : q.sentences().get(src).length());
                sentAnswer.add(src >= 0 && q.labels().get(src));
                sentTitle.add(src < 0);
            }
            for (BlockPacker.Block b : packer.pack(tokenizer.encode(q.question(), false).ids(), a)) {
                blocks.add(new Block(qi, base, b));
            }
        }
        boolean[] answer = new boolean[sentAnswer.size()];
        boolean[] title = new boolean[sentTitle.size()];
        for (int i = 0; i < answer.length; i++) {
            answer[i] = sentAnswer.get(i);
            title[i] = sentTitle.get(i);
        }
        PassageLayout layout = new PassageLayout(sentQ.stream().mapToInt(Integer::intValue).toArray(),
                sentChars.stream().mapToInt(Integer::intValue).toArray(), answer, title, first, count, answerable);
        return new WikiQaBlocks(List.copyOf(blocks), layout, specials[1]);
    }

    /** Number of leading positions of block b before its first separator: [CLS] and the query. */
    public int queryPrefix(int b) {
        long[] ids = blocks.get(b).ids();
        int n = 0;
        while (n < ids.length && ids[n] != sep) {
            n++;
        }
        return n;
    }

    /** Layout index of the sentence each position of block b belongs to; -1 for the query and the specials. */
    public int[] positionSentence(int b) {
        Block block = blocks.get(b);
        int[] out = new int[block.ids().length];
        java.util.Arrays.fill(out, -1);
        for (BlockPacker.Fragment f : block.packed().fragments()) {
            java.util.Arrays.fill(out, f.offset(), f.offset() + f.length(), block.sentenceBase() + f.sentence());
        }
        return out;
    }

    /** Whether block b holds a token of an answer sentence. */
    public boolean answerBlock(int b) {
        for (int s : positionSentence(b)) {
            if (s >= 0 && layout.sentenceAnswer()[s]) {
                return true;
            }
        }
        return false;
    }

    /** Per-sentence scores of the layout and the mean token cross-entropy against the sentence labels. */
    public record Scores(double[] sentenceScores, double tokenLoss) {}

    /**
     * Aggregates a model's outputs for every block (in block order) as the runtime does: a fragment's score is
     * the mean keep-prob of its tokens, a sentence's score the mean of its fragments' scores.
     */
    public Scores score(List<TokenKeepModel.BlockOutput> outputs) {
        double[] fragmentSum = new double[layout.sentences()];
        int[] fragments = new int[fragmentSum.length];
        double loss = 0;
        long tokens = 0;
        for (int b = 0; b < blocks.size(); b++) {
            double[] p = outputs.get(b).keepProbs();
            Block block = blocks.get(b);
            for (BlockPacker.Fragment f : block.packed().fragments()) {
                int s = block.sentenceBase() + f.sentence();
                boolean answer = layout.sentenceAnswer()[s];
                double sum = 0;
                for (int t = f.offset(); t < f.offset() + f.length(); t++) {
                    sum += p[t];
                    loss -= Math.log(Math.max(1e-12, answer ? p[t] : 1 - p[t]));
                }
                tokens += f.length();
                fragmentSum[s] += f.length() == 0 ? 0 : sum / f.length();
                fragments[s]++;
            }
        }
        double[] scores = new double[fragmentSum.length];
        for (int s = 0; s < scores.length; s++) {
            scores[s] = fragments[s] == 0 ? 0 : fragmentSum[s] / fragments[s];
        }
        return new Scores(scores, loss / Math.max(1, tokens));
    }

    /** The blocks' token ids, in block order (what a {@link TokenKeepModel} runs on). */
    public List<long[]> ids() {
        return blocks.stream().map(Block::ids).toList();
    }
}
