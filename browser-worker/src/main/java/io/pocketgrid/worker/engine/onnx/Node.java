package io.pocketgrid.worker.engine.onnx;

import io.pocketgrid.worker.engine.UnsupportedOpException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One {@code NodeProto}; an absent optional input is the empty string. */
public record Node(String opType, String name, String domain, List<String> inputs, List<String> outputs,
        Map<String, Attribute> attributes) {

    public boolean has(String attr) {
        return attributes.containsKey(attr);
    }

    public long getInt(String attr, long dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.i();
    }

    public float getFloat(String attr, float dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.f();
    }

    public String getString(String attr, String dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.s();
    }

    /** The ints attribute, or {@code dflt} (may be null) when absent. */
    public long[] getInts(String attr, long[] dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.ints();
    }

    public float[] getFloats(String attr, float[] dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.floats();
    }

    /** Input {@code i}, or "" when the node has fewer inputs. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public boolean hasInput(int i) {
        return !input(i).isEmpty();
    }

    /** Fails when the node carries an attribute outside {@code known}: better than ignoring it. */
    public void checkAttributes(Set<String> known) {
        for (String a : attributes.keySet()) {
            if (!known.contains(a)) {
                throw unsupported("attribute '" + a + "' is not supported");
            }
        }
    }

    public UnsupportedOpException unsupported(String why) {
        return new UnsupportedOpException(opType, name, why);
    }
}
