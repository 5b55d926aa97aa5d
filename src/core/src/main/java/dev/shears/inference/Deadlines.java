package dev.shears.inference;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Waiting for queued work with a deadline: a late or abandoned result is a 504, and the work is cancelled. */
final class Deadlines {

    private Deadlines() {}

    /** The result, or {@link ErrorType#TIMEOUT} once {@code timeout} passes (the work is then cancelled, so it is dropped if not started). */
    static <T> T await(CompletableFuture<T> done, Duration timeout) {
        return await(done, timeout, () -> "");
    }

    /** As above; {@code progress} says how far the work got, for the 504 (", 120 of 900 sequences done"). */
    static <T> T await(CompletableFuture<T> done, Duration timeout, Supplier<String> progress) {
        try {
            return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            done.cancel(false);
            throw new ShearsException(ErrorType.TIMEOUT, "no result within " + timeout.toMillis()
                    + " ms (shears.limits.request-timeout)" + progress.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.cancel(false);
            throw new ShearsException(ErrorType.TIMEOUT, "interrupted while waiting for inference");
        } catch (CancellationException e) {
            throw new ShearsException(ErrorType.TIMEOUT, "request abandoned before inference");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
