package dev.shears.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole state of a search between generations: generations done, prompts evaluated, wall time used, the
 * population (mask keys, fittest first) and the fitness cache in evaluation order (which is also the history).
 * The random numbers of generation {@code g} are derived from the seed and {@code g}, so nothing else is needed:
 * resuming from a checkpoint gives exactly the result of an uninterrupted run with the same seed (wall-time
 * budgets aside). {@link #toText()} / {@link #parse} give a plain line format for storage.
 */
public record QuineCheckpoint(int generation, int evaluations, long elapsedMillis, List<String> population,
        Map<String, Double> fitness) {

    public QuineCheckpoint {
        population = List.copyOf(population);
        fitness = Collections.unmodifiableMap(new LinkedHashMap<>(fitness));
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("quine-checkpoint 1\n");
        sb.append("generation ").append(generation).append('\n');
        sb.append("evaluations ").append(evaluations).append('\n');
        sb.append("elapsed ").append(elapsedMillis).append('\n');
        for (String p : population) {
            sb.append("p ").append(p).append('\n');
        }
        for (Map.Entry<String, Double> e : fitness.entrySet()) {
            sb.append("f ").append(e.getKey()).append(' ').append(Double.toString(e.getValue())).append('\n');
        }
        return sb.toString();
    }

    public static QuineCheckpoint parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length < 4 || !lines[0].equals("quine-checkpoint 1")) {
            throw new IllegalArgumentException("not a quine checkpoint");
        }
        int generation = Integer.parseInt(value(lines[1], "generation"));
        int evaluations = Integer.parseInt(value(lines[2], "evaluations"));
        long elapsed = Long.parseLong(value(lines[3], "elapsed"));
        List<String> population = new ArrayList<>();
        Map<String, Double> fitness = new LinkedHashMap<>();
        for (int i = 4; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("p ")) {
                population.add(l.substring(2));
            } else if (l.startsWith("f ")) {
                String[] kv = l.substring(2).split(" ");
                fitness.put(kv[0], Double.parseDouble(kv[1]));
            } else if (!l.isEmpty()) {
                throw new IllegalArgumentException("bad checkpoint line " + (i + 1));
            }
        }
        return new QuineCheckpoint(generation, evaluations, elapsed, population, fitness);
    }

    private static String value(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("checkpoint: expected " + name);
        }
        return line.substring(name.length() + 1);
    }
}
