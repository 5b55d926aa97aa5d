package dev.shears.reasoning.voting;

/** A baseline's pick: self-consistency (class size / answered paths) or perplexity (the max-ℓ path, exp(ℓ)). */
public record Baseline(String answer, double confidence) {}
