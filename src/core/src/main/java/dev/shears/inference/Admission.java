package dev.shears.inference;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounded admission, the one way Shears refuses work it cannot take: at most {@code limit} units (requests,
 * queued sequences, queued model calls) are in at once, and a caller that does not fit is refused at once with
 * {@link ErrorType#OVERLOADED} (429) instead of waiting without bound. A single caller larger than the limit is
 * let in when nothing else is, so an oversized request is slow, never refused forever.
 */
public final class Admission {

    private final int limit;
    private final String what;
    private final String configKey;
    private final AtomicInteger inUse = new AtomicInteger();

    /**
     * @param what what is counted, for the refusal message ("requests in flight")
     * @param configKey the setting that changes {@code limit}, named in the refusal message
     */
    public Admission(int limit, String what, String configKey) {
        if (limit < 1) {
            throw new IllegalArgumentException(configKey + " must be at least 1, got " + limit);
        }
        this.limit = limit;
        this.what = what;
        this.configKey = configKey;
    }

    /** Takes {@code units} or refuses with a 429 naming the limit and its setting. */
    public void acquire(int units) {
        int now = inUse.addAndGet(units);
        if (now > limit && now != units) {
            inUse.addAndGet(-units);
            throw new ShearsException(ErrorType.OVERLOADED, "too many " + what + " (limit " + limit + ", " + configKey
                    + "); retry shortly");
        }
    }

    public void release(int units) {
        inUse.addAndGet(-units);
    }

    /** Runs {@code work} holding one unit. */
    public <T> T call(Supplier<T> work) {
        acquire(1);
        try {
            return work.get();
        } finally {
            release(1);
        }
    }

    public int inUse() {
        return inUse.get();
    }

    public int limit() {
        return limit;
    }
}
