package dev.shears.tools.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a training run needs to continue exactly where it stopped: the trainable weights, the optimiser's
 * moments, the position in the seeded data order and the training time spent so far. {@code settings} is the
 * run's configuration as text; a checkpoint of other settings is refused. Written to a temporary file and moved
 * into place, so an interrupted write never replaces a good checkpoint.
 *
 * @param step           optimiser steps done
 * @param epoch          current epoch (0-based)
 * @param position       blocks of that epoch's order already trained on
 * @param trainSeconds   wall time spent training (evaluation excluded) over all runs so far
 * @param bestScore      best dev score seen (the early-stopping criterion), NaN before the first evaluation
 * @param weights        trainable weights by name
 * @param first          Adam first moments by name (empty for a weights-only file)
 * @param second         Adam second moments by name
 */
record TrainingCheckpoint(String settings, long step, int epoch, int position, double trainSeconds, double bestScore,
        Map<String, float[]> weights, Map<String, float[]> first, Map<String, float[]> second) {

    private static final int MAGIC = 0x53505456; // "SPTV"

    void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeUTF(settings);
            out.writeLong(step);
            out.writeInt(epoch);
            out.writeInt(position);
            out.writeDouble(trainSeconds);
            out.writeDouble(bestScore);
            for (Map<String, float[]> group : java.util.List.of(weights, first, second)) {
                out.writeInt(group.size());
                for (Map.Entry<String, float[]> e : group.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    for (float f : e.getValue()) {
                        out.writeFloat(f);
                    }
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static TrainingCheckpoint read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a train-provence checkpoint");
            }
            String settings = in.readUTF();
            long step = in.readLong();
            int epoch = in.readInt();
            int position = in.readInt();
            double seconds = in.readDouble();
            double best = in.readDouble();
            java.util.List<Map<String, float[]>> groups = new java.util.ArrayList<>();
            for (int g = 0; g < 3; g++) {
                Map<String, float[]> group = new LinkedHashMap<>();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    String name = in.readUTF();
                    float[] v = new float[in.readInt()];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = in.readFloat();
                    }
                    group.put(name, v);
                }
                groups.add(group);
            }
            return new TrainingCheckpoint(settings, step, epoch, position, seconds, best, groups.get(0), groups.get(1), groups.get(2));
        }
    }
}
