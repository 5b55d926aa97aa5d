package dev.shears.search;

import dev.shears.search.QuineResult.Elite;
import dev.shears.search.QuineResult.StopReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * PromptQuine (notes, section 4): a genetic search over token deletions of a prompt. The population starts as
 * {@code P} copies of the full prompt; each generation makes up to {@code C} children by tournament selection
 * (20% of the population, with replacement) and a copy-then-mutate deleting 1 to 4 non-tabu tokens (no crossover;
 * a child whose text is already in the population is skipped); the children are evaluated in one batch and the
 * next population is the fittest {@code P} of the last {@code C} entries (GGA). Every mask is evaluated at most
 * once (fitness cached by mask). At the end the top {@code eliteTopPercent}% of everything evaluated is re-ranked
 * on the held-out set and the best returned.
 *
 * <p>Randomness for generation {@code g} comes from a generator seeded by {@code (seed, g)}, so a search resumed
 * from a {@link QuineCheckpoint} continues exactly as the uninterrupted one would.
 */
public final class PromptQuine {

    private final PromptTokens tokens;
    private final PromptFitness fitness;
    private final PromptFitness heldOut;
    private final QuineOptions options;

    /** {@code heldOut} may be null: the elites are then ranked by their fitness alone. */
    public PromptQuine(PromptTokens tokens, PromptFitness fitness, PromptFitness heldOut, QuineOptions options) {
        this.tokens = tokens;
        this.fitness = fitness;
        this.heldOut = heldOut;
        this.options = options;
    }

    public QuineResult run() {
        return run(null, QuineProgress.NONE, () -> false);
    }

    /**
     * Runs (or resumes from {@code from}, when not null) until a budget is spent. {@code progress} gets a checkpoint
     * after the initial evaluation and after every generation; {@code cancelled} is polled between generations
     * and stops the search with a {@link CancellationException}.
     */
    public QuineResult run(QuineCheckpoint from, QuineProgress progress, BooleanSupplier cancelled) {
        long started = System.nanoTime();
        Map<String, Double> cache = new LinkedHashMap<>();
        List<Mask> population = new ArrayList<>();
        int generation;
        int evaluations;
        long elapsedBefore;
        if (from == null) {
            Mask full = Mask.full(tokens.size());
            double f = fitness.evaluate(List.of(tokens.render(full))).get(0);
            cache.put(full.key(), f);
            for (int i = 0; i < options.populationSize(); i++) {
                population.add(full);
            }
            generation = 0;
            evaluations = 1;
            elapsedBefore = 0;
            progress.generation(checkpoint(0, 1, 0, population, cache), full.key(), f);
        } else {
            cache.putAll(from.fitness());
            for (String k : from.population()) {
                Mask m = Mask.parse(k);
                if (m.size() != tokens.size()) {
                    throw new IllegalArgumentException("checkpoint is for a prompt of " + m.size() + " tokens, not "
                            + tokens.size());
                }
                population.add(m);
            }
            generation = from.generation();
            evaluations = from.evaluations();
            elapsedBefore = from.elapsedMillis();
        }
        StopReason stop;
        while (true) {
            long elapsed = elapsedBefore + (System.nanoTime() - started) / 1_000_000;
            if (evaluations >= options.maxEvaluations()) {
                stop = StopReason.EVALUATIONS;
                break;
            }
            if (options.maxGenerations() > 0 && generation >= options.maxGenerations()) {
                stop = StopReason.GENERATIONS;
                break;
            }
            if (options.maxWallMillis() > 0 && elapsed >= options.maxWallMillis()) {
                stop = StopReason.WALL_TIME;
                break;
            }
            if (meanLength(population) <= options.minMeanLength()) {
                stop = StopReason.MIN_LENGTH;
                break;
            }
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("search cancelled after " + generation + " generations");
            }
            List<Mask> children = offspring(population, cache, new SplittableRandom(mix(options.seed(), generation + 1)));
            if (children.isEmpty()) {
                stop = StopReason.EXHAUSTED;
                break;
            }
            // evaluate the new masks (first come first, within the evaluation budget) in one batch
            List<Mask> fresh = new ArrayList<>(new LinkedHashSet<>(children.stream().filter(c -> !cache.containsKey(c.key())).toList()));
            int room = options.maxEvaluations() - evaluations;
            if (fresh.size() > room) {
                Set<Mask> dropped = new HashSet<>(fresh.subList(room, fresh.size()));
                fresh = new ArrayList<>(fresh.subList(0, room));
                children.removeIf(dropped::contains);
            }
            if (!fresh.isEmpty()) {
                List<Double> scores = fitness.evaluate(fresh.stream().map(tokens::render).toList());
                for (int i = 0; i < fresh.size(); i++) {
                    cache.put(fresh.get(i).key(), scores.get(i));
                }
                evaluations += fresh.size();
            }
            List<Mask> pool = new ArrayList<>(population);
            pool.addAll(children);
            List<Mask> last = new ArrayList<>(pool.subList(Math.max(0, pool.size() - options.offspring()), pool.size()));
            last.sort(Comparator.comparingDouble((Mask m) -> cache.get(m.key())).reversed());
            population = new ArrayList<>(last.subList(0, Math.min(options.populationSize(), last.size())));
            generation++;
            long now = elapsedBefore + (System.nanoTime() - started) / 1_000_000;
            Mask best = population.get(0);
            progress.generation(checkpoint(generation, evaluations, now, population, cache), best.key(),
                    cache.get(best.key()));
        }
        return finish(cache, evaluations, generation, stop);
    }

    private List<Mask> offspring(List<Mask> population, Map<String, Double> cache, SplittableRandom rng) {
        Set<String> present = new HashSet<>();
        for (Mask m : population) {
            present.add(tokens.render(m));
        }
        int k = Math.max(1, (int) Math.floor(0.2 * population.size()));
        List<Mask> children = new ArrayList<>();
        for (int c = 0; c < options.offspring(); c++) {
            Mask parent = null;
            for (int i = 0; i < k; i++) {
                Mask m = population.get(rng.nextInt(population.size()));
                if (parent == null || cache.get(m.key()) > cache.get(parent.key())) {
                    parent = m;
                }
            }
            int[] prunable = prunablePositions(parent);
            int m = -1;
            for (int attempt = 0; attempt < 10; attempt++) {
                int d = 1 + rng.nextInt(4);
                if (d < prunable.length) {
                    m = d;
                    break;
                }
            }
            if (m < 0) {
                continue;
            }
            for (int i = 0; i < m; i++) { // partial Fisher-Yates: m distinct positions
                int j = i + rng.nextInt(prunable.length - i);
                int t = prunable[i];
                prunable[i] = prunable[j];
                prunable[j] = t;
            }
            int[] delete = new int[m];
            System.arraycopy(prunable, 0, delete, 0, m);
            Mask child = parent.without(delete);
            if (present.contains(tokens.render(child))) {
                continue;
            }
            children.add(child);
        }
        return children;
    }

    private int[] prunablePositions(Mask mask) {
        int[] out = new int[tokens.prunable(mask)];
        int j = 0;
        for (int i = 0; i < tokens.size(); i++) {
            if (mask.kept(i) && !tokens.tabu()[i]) {
                out[j++] = i;
            }
        }
        return out;
    }

    private QuineResult finish(Map<String, Double> cache, int evaluations, int generations, StopReason stop) {
        List<Map.Entry<String, Double>> history = new ArrayList<>(cache.entrySet());
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(history);
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed()); // stable: earlier first on ties
        int count = (int) Math.ceil(history.size() * options.eliteTopPercent() / 100.0);
        count = Math.max(1, Math.min(options.maxElites(), count));
        List<Map.Entry<String, Double>> elites = new ArrayList<>(ranked.subList(0, count));
        String originalKey = history.get(0).getKey();
        boolean originalIsElite = elites.stream().anyMatch(e -> e.getKey().equals(originalKey));
        List<String> prompts = new ArrayList<>();
        for (Map.Entry<String, Double> e : elites) {
            prompts.add(tokens.render(Mask.parse(e.getKey())));
        }
        if (!originalIsElite) {
            prompts.add(tokens.render(Mask.parse(originalKey)));
        }
        List<Double> held = heldOut == null ? null : heldOut.evaluate(prompts);
        List<Elite> out = new ArrayList<>();
        for (int i = 0; i < elites.size(); i++) {
            double f = elites.get(i).getValue();
            out.add(new Elite(elites.get(i).getKey(), prompts.get(i), f, held == null ? f : held.get(i)));
        }
        List<Elite> byHeldOut = new ArrayList<>(out);
        byHeldOut.sort(Comparator.comparingDouble(Elite::heldOut).thenComparingDouble(Elite::fitness).reversed());
        Elite best = byHeldOut.get(0);
        double originalFitness = history.get(0).getValue();
        double originalHeldOut;
        if (originalIsElite) {
            originalHeldOut = out.stream().filter(e -> e.mask().equals(originalKey)).findFirst().orElseThrow().heldOut();
        } else {
            originalHeldOut = held == null ? originalFitness : held.get(held.size() - 1);
        }
        return new QuineResult(best.prompt(), best.mask(), best.fitness(), best.heldOut(), originalFitness,
                originalHeldOut, evaluations, generations, stop, byHeldOut);
    }

    private double meanLength(List<Mask> population) {
        double s = 0;
        for (Mask m : population) {
            s += m.keptCount();
        }
        return s / population.size();
    }

    private static QuineCheckpoint checkpoint(int generation, int evaluations, long elapsed, List<Mask> population,
            Map<String, Double> cache) {
        return new QuineCheckpoint(generation, evaluations, elapsed, population.stream().map(Mask::key).toList(), cache);
    }

    static long mix(long seed, long generation) {
        long z = seed + generation * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
