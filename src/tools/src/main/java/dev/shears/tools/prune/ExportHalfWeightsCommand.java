package dev.shears.tools.prune;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import dev.shears.onnx.prune.LinearLayer;
import dev.shears.onnx.prune.LinearLayers;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code export-f16 MODEL.onnx OUT_DIR [--skip word_embeddings]}: writes an encoder's float initializers as
 * little-endian IEEE half floats ({@code weights.f16}) with an {@code index.json} (kind, name, shape, byte
 * offset, count). Linear layers come first, as [out, in] rows under their node's name; every other float
 * initializer follows under its own name, except those whose name contains the skip string.
 *
 * <p>Why: the GPU check of 2:4 sparsity ({@code src/tools/gpu/}) runs PyTorch on a machine that gets only a
 * 64 MiB copy of the tree; the fp32 graph is 133 MB, its linear weights in fp16 are 42 MB.
 */
public final class ExportHalfWeightsCommand {

    private ExportHalfWeightsCommand() {}

    public static void main(String[] args) throws IOException {
        String skip = args.length == 4 && args[2].equals("--skip") ? args[3] : "word_embeddings";
        if (args.length != 2 && args.length != 4) {
            System.err.println("usage: export-f16 MODEL.onnx OUT_DIR [--skip word_embeddings]");
            System.exit(2);
        }
        GraphProto graph = ModelProto.parseFrom(Files.readAllBytes(Path.of(args[0]))).getGraph();
        Path out = Files.createDirectories(Path.of(args[1]));
        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Set<String> written = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        ArrayNode index = json.createArrayNode();
        long offset = 0;
        try (OutputStream data = new BufferedOutputStream(Files.newOutputStream(out.resolve("weights.f16")))) {
            for (LinearLayer layer : LinearLayers.find(graph)) {
                written.add(layer.weight());
                float[] rows = layer.toRows(LinearLayers.floats(initializers.get(layer.weight())));
                offset = write(data, index, offset, "linear", layer.node(), new long[] {layer.out(), layer.in()}, rows);
            }
            for (TensorProto t : graph.getInitializerList()) {
                if (t.getDataType() == OnnxGraphBuilder.FLOAT && !written.contains(t.getName()) && !t.getName().contains(skip)) {
                    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
                    offset = write(data, index, offset, "tensor", t.getName(), dims, LinearLayers.floats(t));
                }
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("index.json").toFile(), index);
        System.out.printf("wrote %d tensors, %.1f MB, to %s%n", index.size(), offset / 1e6, out);
    }

    private static long write(OutputStream data, ArrayNode index, long offset, String kind, String name, long[] shape,
            float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putShort(toHalf(v));
        }
        data.write(bytes.array());
        var entry = index.addObject().put("kind", kind).put("name", name).put("offset", offset).put("count", values.length);
        var dims = entry.putArray("shape");
        for (long d : shape) {
            dims.add(d);
        }
        return offset + values.length * 2L;
    }

    /** IEEE 754 binary16 bits of a float, rounded to nearest even (Java 17 has no Float.floatToFloat16). */
    static short toHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7FFFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mantissa | 0x800000;
            int shift = 14 - e;
            int half = m >> shift;
            int rest = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mantissa >> 13);
        int rest = mantissa & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is the correct rounding, up to infinity
        }
        return (short) (sign | half);
    }
}
