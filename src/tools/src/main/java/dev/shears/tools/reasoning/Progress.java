package dev.shears.tools.reasoning;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr: lines done of the total, rate, ETA and errors. On a terminal one line is redrawn with
 * {@code \r} a few times a second; otherwise (a log file, {@code kubectl logs}) a full line every few seconds.
 */
final class Progress {

    private final PrintStream out;
    private final long total;
    private final boolean terminal;
    private final long intervalNanos;
    private final long started = System.nanoTime();
    private long lastPrinted = started;
    private long done;
    private long errors;

    Progress(PrintStream out, long total, boolean terminal) {
        this.out = out;
        this.total = total;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 200_000_000L : 10_000_000_000L;
    }

    void step(boolean failed) {
        done++;
        errors += failed ? 1 : 0;
        long now = System.nanoTime();
        if (now - lastPrinted >= intervalNanos) {
            lastPrinted = now;
            print(now, false);
        }
    }

    void finish() {
        print(System.nanoTime(), true);
    }

    private void print(long now, boolean last) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        String line = String.format(Locale.ROOT, "%d/%d lines (%.1f%%), %.2f lines/s, %s %s, %d errors", done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate, last ? "took" : "ETA",
                last ? duration(seconds) : eta, errors);
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
