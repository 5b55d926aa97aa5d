package dev.shears.runtime.provence;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Small helpers over the ONNX protobuf classes ({@code ai.onnx.proto.OnnxMl}) for building graphs in Java:
 * test graphs with known answers, and the pruning heads appended to an encoder graph.
 */
public final class OnnxGraphs {

    private OnnxGraphs() {}

    public static OnnxMl.TensorProto floats(String name, long[] dims, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addAllDims(toList(dims)).setRawData(ByteString.copyFrom(buf.array())).build();
    }

    public static OnnxMl.TensorProto longs(String name, long[] dims, long[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addAllDims(toList(dims)).setRawData(ByteString.copyFrom(buf.array())).build();
    }

    public static OnnxMl.NodeProto node(String op, String name, List<String> inputs, List<String> outputs,
            OnnxMl.AttributeProto... attributes) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs)
                .addAllOutput(outputs);
        for (OnnxMl.AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        return b.build();
    }

    public static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value)
                .build();
    }

    public static OnnxMl.AttributeProto intsAttr(String name, long... values) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /** A tensor value description; each dim is a {@code Long} (fixed) or a {@code String} (symbolic). */
    public static OnnxMl.ValueInfoProto tensor(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        OnnxMl.TypeProto.Tensor.Builder t = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape);
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(t)).build();
    }

    /** The default-domain opset a model imports (0 when none is declared). */
    public static long opset(OnnxMl.ModelProto model) {
        for (OnnxMl.OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                return id.getVersion();
            }
        }
        return 0;
    }

    /** A model around a graph, importing the default opset {@code opset}. */
    public static OnnxMl.ModelProto model(OnnxMl.GraphProto graph, long opset) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("shears")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
    }

    private static List<Long> toList(long[] dims) {
        return java.util.Arrays.stream(dims).boxed().toList();
    }
}
