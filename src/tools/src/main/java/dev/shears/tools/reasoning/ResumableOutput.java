package dev.shears.tools.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The output JSONL of a run that may be interrupted and started again. Every record is one line, written whole
 * and forced to disk before the next input line is read, and carries its input line number in {@code line}.
 * Opening reads the records already there: their line numbers are done. Whatever follows the last newline is a
 * record torn by an interruption mid-write; it is cut off, so that line is written again, in full.
 */
final class ResumableOutput implements Closeable {

    private final FileChannel channel;
    private final Set<Long> done;
    private final long tornBytes;

    private ResumableOutput(FileChannel channel, Set<Long> done, long tornBytes) {
        this.channel = channel;
        this.done = done;
        this.tornBytes = tornBytes;
    }

    static ResumableOutput open(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            long complete = endOfLastLine(channel);
            if (complete < size) {
                channel.truncate(complete);
                channel.force(true);
            }
            Set<Long> done = new HashSet<>();
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int number = 0;
                while ((line = reader.readLine()) != null) {
                    number++;
                    if (!line.isBlank()) {
                        done.add(lineOf(line, file, number));
                    }
                }
            }
            channel.position(channel.size());
            return new ResumableOutput(channel, done, size - complete);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Input line numbers that already have a record. */
    Set<Long> done() {
        return done;
    }

    /** Bytes of a torn last record that were cut off on opening (0 when the file ended cleanly). */
    long tornBytes() {
        return tornBytes;
    }

    void write(JsonNode record) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((ChainRecords.JSON.writeValueAsString(record) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The offset just after the file's last newline (0 when it has none). */
    private static long endOfLastLine(FileChannel channel) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long end = channel.size();
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - start));
            while (chunk.hasRemaining() && channel.read(chunk, start + chunk.position()) >= 0) {
                // read the whole chunk
            }
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private static long lineOf(String record, Path file, int number) throws IOException {
        JsonNode line;
        try {
            line = ChainRecords.JSON.readTree(record).get("line");
        } catch (IOException e) {
            line = null;
        }
        if (line == null || !line.canConvertToLong()) {
            throw new IOException(file + " line " + number + " is not a reason-batch record (no 'line' number);"
                    + " give an output file of this command, or a new one");
        }
        return line.asLong();
    }
}
