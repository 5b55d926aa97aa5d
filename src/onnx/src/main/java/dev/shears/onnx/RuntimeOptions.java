package dev.shears.onnx;

/**
 * ONNX Runtime session settings, chosen for a small shared host by default: a fixed intra-op pool, no
 * inter-op parallelism, and no busy-wait spinning (spinning threads steal the cores that tokenization and
 * HTTP need).
 *
 * @param intraOpThreads threads inside one operator (0 = ORT's choice: one per core)
 * @param interOpThreads threads across independent operators
 * @param optimization graph optimisation level: {@code none}, {@code basic}, {@code extended} or {@code all}
 * @param allowSpinning whether idle pool threads spin before sleeping
 * @param device {@code cpu} or {@code cuda}; CUDA falls back to CPU with a log line when unavailable
 */
public record RuntimeOptions(int intraOpThreads, int interOpThreads, String optimization, boolean allowSpinning, String device) {

    public static RuntimeOptions defaults() {
        return cpu(Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /** CPU, full optimisation, no spinning, with this many intra-op threads. */
    public static RuntimeOptions cpu(int intraOpThreads) {
        return new RuntimeOptions(intraOpThreads, 1, "all", false, "cpu");
    }

    public boolean cuda() {
        return "cuda".equalsIgnoreCase(device);
    }

    /** The same settings on {@code device} ({@code cpu} or {@code cuda}). */
    public RuntimeOptions onDevice(String device) {
        return new RuntimeOptions(intraOpThreads, interOpThreads, optimization, allowSpinning, device);
    }
}
