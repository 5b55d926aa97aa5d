package dev.shears.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Optional;

/** Reading a node's attributes, with the default the operator's schema gives when one is absent. */
public final class OnnxNodes {

    private OnnxNodes() {}

    public static Optional<AttributeProto> attribute(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    public static long intAttribute(NodeProto n, String name, long fallback) {
        return attribute(n, name).map(AttributeProto::getI).orElse(fallback);
    }

    public static float floatAttribute(NodeProto n, String name, float fallback) {
        return attribute(n, name).map(AttributeProto::getF).orElse(fallback);
    }
}
