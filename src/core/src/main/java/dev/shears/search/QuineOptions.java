package dev.shears.search;

/**
 * PromptQuine settings (defaults from the notes, section 4.6): population {@code P}, offspring per generation
 * {@code C}, budgets (evaluated prompts, generations, wall time in ms; 0 = no limit for the last two), the mean
 * population length (tokens) at which the search stops, the elite share re-ranked on the held-out set (percent,
 * capped at {@code maxElites} candidates) and the seed.
 */
public record QuineOptions(int populationSize, int offspring, int maxEvaluations, int maxGenerations,
        long maxWallMillis, double minMeanLength, double eliteTopPercent, int maxElites, long seed) {

    public QuineOptions {
        if (populationSize < 1 || offspring < 1) {
            throw new IllegalArgumentException("population and offspring must be >= 1");
        }
        if (maxEvaluations < 1) {
            throw new IllegalArgumentException("maxEvaluations must be >= 1");
        }
        if (maxGenerations < 0 || maxWallMillis < 0) {
            throw new IllegalArgumentException("maxGenerations and maxWallMillis must be >= 0 (0: no limit)");
        }
        if (eliteTopPercent <= 0 || eliteTopPercent > 100 || maxElites < 1) {
            throw new IllegalArgumentException("eliteTopPercent must be in (0, 100] and maxElites >= 1");
        }
    }

    public static QuineOptions defaults(long seed) {
        return new QuineOptions(30, 50, 10_000, 0, 0, 15, 10, 50, seed);
    }

    public QuineOptions withBudget(int maxEvaluations, int maxGenerations, long maxWallMillis) {
        return new QuineOptions(populationSize, offspring, maxEvaluations, maxGenerations, maxWallMillis,
                minMeanLength, eliteTopPercent, maxElites, seed);
    }

    public QuineOptions withPopulation(int populationSize, int offspring) {
        return new QuineOptions(populationSize, offspring, maxEvaluations, maxGenerations, maxWallMillis,
                minMeanLength, eliteTopPercent, maxElites, seed);
    }

    public QuineOptions withMinMeanLength(double minMeanLength) {
        return new QuineOptions(populationSize, offspring, maxEvaluations, maxGenerations, maxWallMillis,
                minMeanLength, eliteTopPercent, maxElites, seed);
    }
}
