package dev.shears.service;

/** A service result with the request's stage timings, for the {@code x-*-time} response headers. */
public record Timed<T>(T result, RequestTimings timings) {}
