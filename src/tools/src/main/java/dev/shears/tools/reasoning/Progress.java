package dev.shears.tools.reasoning;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr: lines done of the total, rate, ETA and errors. On a terminal one line is redrawn with
 * {@code \r} a few times a second; otherwise (a log file, {@code kubectl logs}) a full line every few seconds.
 */
public final class Progress {

    private final PrintStream out;
    private final long total;
    private final boolean terminal;
    private final long intervalNanos;
    private final long started = System.nanoTime();
    private long lastPrinted = started;
    private final String unit;
    private final long startedAt;
    private long done;
    private long errors;
    private String note = "";

    Progress(PrintStream out, long total, boolean terminal) {
        this(out, total, 0, "lines", terminal);
    }

    /** Counts {@code unit}s from {@code alreadyDone} (a resumed run) to {@code total}; the rate covers this run only. */
    public Progress(PrintStream out, long total, long alreadyDone, String unit, boolean terminal) {
        this.out = out;
        this.total = total;
        this.terminal = terminal;
        this.unit = unit;
        this.startedAt = alreadyDone;
        this.done = alreadyDone;
        this.intervalNanos = terminal ? 200_000_000L : 10_000_000_000L;
    }

    /** Text shown at the end of the line from now on (e.g. the running loss). */
    public void note(String text) {
        note = text;
    }

    public void step(boolean failed) {
        done++;
        errors += failed ? 1 : 0;
        long now = System.nanoTime();
        if (now - lastPrinted >= intervalNanos) {
            lastPrinted = now;
            print(now, false);
        }
    }

    public void finish() {
        print(System.nanoTime(), true);
    }

    private void print(long now, boolean last) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = (done - startedAt) / seconds;
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        String line = String.format(Locale.ROOT, "%d/%d %s (%.1f%%), %.2f %s/s, %s %s, %d errors%s", done, total, unit,
                total == 0 ? 100.0 : 100.0 * done / total, rate, unit, last ? "took" : "ETA",
                last ? duration(seconds) : eta, errors, note.isEmpty() ? "" : ", " + note);
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
