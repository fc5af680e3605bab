package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Activations;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Elementwise arithmetic, comparisons, logic, activations, NaN/infinity tests and the cumulative sum. */
final class MathOps {

    private static final Set<String> LEGACY = Set.of("consumed_inputs");

    private MathOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("Add", arithmetic(Elementwise.ADD, (a, b) -> a + b, (a, b) -> a + b));
        r.put("Sub", arithmetic(Elementwise.SUB, (a, b) -> a - b, (a, b) -> a - b));
        r.put("Mul", arithmetic(Elementwise.MUL, (a, b) -> a * b, (a, b) -> a * b));
        r.put("Div", arithmetic(Elementwise.DIV, (a, b) -> a / b, MathOps::divide));
        r.put("Pow", MathOps::pow);
        r.put("Mod", MathOps::mod);
        r.put("PRelu", MathOps::prelu);

        r.put("Sqrt", activation(Set.of(), n -> x -> (float) Math.sqrt(x)));
        r.put("Exp", activation(Set.of(), n -> x -> (float) Math.exp(x)));
        r.put("Log", activation(Set.of(), n -> x -> (float) Math.log(x)));
        r.put("Erf", activation(Set.of(), n -> x -> (float) erf(x)));
        r.put("Reciprocal", activation(Set.of(), n -> x -> 1f / x));
        r.put("Relu", activation(Set.of(), n -> MathOps::relu));
        r.put("LeakyRelu", activation(Set.of("alpha"), n -> {
            float alpha = n.getFloat("alpha", 0.01f);
            return x -> x < 0 ? alpha * x : x;
        }));
        r.put("Elu", activation(Set.of("alpha"), n -> {
            float alpha = n.getFloat("alpha", 1f);
            return x -> x < 0 ? (float) (alpha * Math.expm1(x)) : x;
        }));
        r.put("Celu", activation(Set.of("alpha"), n -> {
            float alpha = n.getFloat("alpha", 1f);
            return x -> x < 0 ? (float) (alpha * Math.expm1(x / alpha)) : x;
        }));
        r.put("Selu", activation(Set.of("alpha", "gamma"), n -> {
            float alpha = n.getFloat("alpha", 1.67326319217681884765625f);
            float gamma = n.getFloat("gamma", 1.05070102214813232421875f);
            return x -> x <= 0 ? (float) (gamma * alpha * Math.expm1(x)) : gamma * x;
        }));
        r.put("ThresholdedRelu", activation(Set.of("alpha"), n -> {
            float alpha = n.getFloat("alpha", 1f);
            return x -> x > alpha ? x : 0f;
        }));
        r.put("Sigmoid", activation(Set.of(), n -> MathOps::sigmoid));
        r.put("HardSigmoid", activation(Set.of("alpha", "beta"), n -> {
            float alpha = n.getFloat("alpha", 0.2f);
            float beta = n.getFloat("beta", 0.5f);
            return x -> Math.max(0f, Math.min(1f, alpha * x + beta));
        }));
        r.put("HardSwish", activation(Set.of(), n -> x -> x * Math.max(0f, Math.min(1f, x / 6f + 0.5f))));
        r.put("Tanh", activation(Set.of(), n -> x -> (float) Math.tanh(x)));
        r.put("Softplus", activation(Set.of(), n -> MathOps::softplus));
        r.put("Softsign", activation(Set.of(), n -> x -> x / (1f + Math.abs(x))));
        r.put("Mish", activation(Set.of(), n -> x -> (float) (x * Math.tanh(softplus(x)))));
        r.put("Gelu", activation(Set.of("approximate"), n -> {
            String mode = n.getString("approximate", "none");
            if (mode.equals("tanh")) {
                return x -> (float) (0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
            }
            if (!mode.equals("none")) {
                throw n.unsupported("approximate='" + mode + "'");
            }
            return x -> (float) (0.5 * x * (1 + erf(x / Math.sqrt(2))));
        }));
        r.put("Shrink", activation(Set.of("lambd", "bias"), n -> {
            float lambd = n.getFloat("lambd", 0.5f);
            float bias = n.getFloat("bias", 0f);
            return x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0f;
        }));
        r.put("Floor", activation(Set.of(), n -> x -> (float) Math.floor(x)));
        r.put("Ceil", activation(Set.of(), n -> x -> (float) Math.ceil(x)));
        r.put("Round", activation(Set.of(), n -> MathOps::roundHalfEven));
        r.put("Sin", activation(Set.of(), n -> x -> (float) Math.sin(x)));
        r.put("Cos", activation(Set.of(), n -> x -> (float) Math.cos(x)));
        r.put("Tan", activation(Set.of(), n -> x -> (float) Math.tan(x)));
        r.put("Asin", activation(Set.of(), n -> x -> (float) Math.asin(x)));
        r.put("Acos", activation(Set.of(), n -> x -> (float) Math.acos(x)));
        r.put("Atan", activation(Set.of(), n -> x -> (float) Math.atan(x)));
        r.put("Sinh", activation(Set.of(), n -> x -> (float) Math.sinh(x)));
        r.put("Asinh", activation(Set.of(), n -> x -> (float) Math.log(x + Math.sqrt((double) x * x + 1))));
        r.put("Acosh", activation(Set.of(), n -> x -> (float) Math.log(x + Math.sqrt((double) x * x - 1))));
        r.put("Atanh", activation(Set.of(), n -> x -> (float) (0.5 * Math.log((1.0 + x) / (1.0 - x)))));
        r.put("Cosh", activation(Set.of(), n -> x -> (float) Math.cosh(x)));

        r.put("Neg", signed(x -> -x, x -> -x));
        r.put("Abs", signed(Math::abs, Math::abs));
        r.put("Sign", signed(x -> Math.signum(x), x -> Long.signum(x)));

        r.put("Equal", comparison((a, b) -> a == b));
        r.put("Less", comparison((a, b) -> a < b));
        r.put("Greater", comparison((a, b) -> a > b));
        r.put("LessOrEqual", comparison((a, b) -> a <= b));
        r.put("GreaterOrEqual", comparison((a, b) -> a >= b));
        r.put("And", logical((a, b) -> a & b));
        r.put("Or", logical((a, b) -> a | b));
        r.put("Xor", logical((a, b) -> a ^ b));
        r.put("Not", MathOps::not);
        r.put("Where", (node, opset) -> {
            node.checkAttributes(Set.of());
            return in -> Shapes.one(Elementwise.where(in[0], in[1], in[2]));
        });

        r.put("Sum", variadic(false, Elementwise.ADD, (a, b) -> a + b, (a, b) -> a + b));
        r.put("Mean", variadic(true, Elementwise.ADD, (a, b) -> a + b, null));
        r.put("Max", variadic(false, Elementwise.GENERIC, Math::max, Math::max));
        r.put("Min", variadic(false, Elementwise.GENERIC, Math::min, Math::min));
        r.put("Clip", MathOps::clip);
        r.put("IsNaN", (n, o) -> {
            n.checkAttributes(Set.of());
            return predicate(x -> x != x);
        });
        r.put("IsInf", (n, o) -> {
            n.checkAttributes(Set.of("detect_negative", "detect_positive"));
            boolean neg = n.getInt("detect_negative", 1) != 0;
            boolean pos = n.getInt("detect_positive", 1) != 0;
            return predicate(x -> (pos && x == Float.POSITIVE_INFINITY) || (neg && x == Float.NEGATIVE_INFINITY));
        });
        r.put("CumSum", MathOps::cumSum);
    }

    /** A broadcast binary arithmetic op over float and integer tensors. */
    static OpFactory arithmetic(int code, Elementwise.F2 f, Elementwise.L2 l) {
        return (node, opset) -> {
            node.checkAttributes(Set.of("broadcast", "axis", "consumed_inputs"));
            boolean legacy = legacy(node, opset);
            long axis = node.getInt("axis", Long.MIN_VALUE);
            return in -> {
                Tensor a = in[0];
                Tensor b = legacy ? legacyBroadcast(in[0], in[1], axis) : in[1];
                if (a.type().isFloating() && b.type().isFloating()) {
                    return Shapes.one(Elementwise.binary(a, b, code, f));
                }
                if (a.type().isFloating() || b.type().isFloating()) {
                    throw new EngineException("mixed input types " + a.type() + " and " + b.type());
                }
                return Shapes.one(Elementwise.binaryLong(a, b, l));
            };
        };
    }

    /** Whether opset < 7 broadcast attributes apply; after opset 7 they are not part of the op. */
    static boolean legacy(Node node, int opset) {
        if (opset >= 7 && (node.has("broadcast") || node.has("axis"))) {
            throw node.unsupported("broadcast/axis attributes are not part of opset " + opset);
        }
        return opset < 7 && node.getInt("broadcast", 0) != 0;
    }

    /** Opset < 7 {@code broadcast=1}: B's dims line up with A's starting at {@code axis} (default: suffix). */
    static Tensor legacyBroadcast(Tensor a, Tensor b, long axis) {
        int ra = a.rank();
        int rb = b.rank();
        int start = axis == Long.MIN_VALUE ? ra - rb : (int) (axis < 0 ? axis + ra : axis);
        if (start < 0 || start + rb > ra) {
            throw new EngineException("legacy broadcast: B " + Arrays.toString(b.dims()) + " does not fit A "
                    + Arrays.toString(a.dims()) + " at axis " + start);
        }
        int[] d = new int[ra];
        Arrays.fill(d, 1);
        for (int i = 0; i < rb; i++) {
            d[start + i] = b.dim(i);
        }
        return b.reshape(d);
    }

    private static long divide(long a, long b) {
        if (b == 0) {
            throw new EngineException("integer division by zero");
        }
        return a / b;
    }

    private static Op pow(Node node, int opset) {
        node.checkAttributes(Set.of("broadcast", "axis"));
        boolean legacy = legacy(node, opset);
        long axis = node.getInt("axis", Long.MIN_VALUE);
        return in -> {
            Tensor a = in[0];
            Tensor b = legacy ? legacyBroadcast(in[0], in[1], axis) : in[1];
            if (a.type().isFloating() && b.type().isFloating()) {
                return Shapes.one(Elementwise.binary(a, b, Elementwise.GENERIC, MathOps::powf));
            }
            if (a.type().isFloating()) {
                Tensor bf = CastOps.cast(b, Tensor.Type.FLOAT);
                return Shapes.one(Elementwise.binary(a, bf, Elementwise.GENERIC, MathOps::powf));
            }
            if (b.type().isFloating()) {
                Tensor af = CastOps.cast(a, Tensor.Type.FLOAT);
                Tensor r = Elementwise.binary(af, b, Elementwise.GENERIC, MathOps::powf);
                return Shapes.one(CastOps.cast(r, a.type()));
            }
            Tensor bb = b.type() == a.type() ? b : CastOps.cast(b, a.type());
            return Shapes.one(Elementwise.binaryLong(a, bb, (x, y) -> (long) Math.pow(x, y)));
        };
    }

    private static float powf(float a, float b) {
        return (float) Math.pow(a, b);
    }

    private static Op mod(Node node, int opset) {
        node.checkAttributes(Set.of("fmod"));
        boolean fmod = node.getInt("fmod", 0) != 0;
        return in -> {
            if (in[0].type().isFloating()) {
                if (!fmod) {
                    throw new EngineException("Mod " + node.name() + ": float inputs need fmod=1");
                }
                return Shapes.one(Elementwise.binary(in[0], in[1], Elementwise.GENERIC, (a, b) -> a % b));
            }
            return Shapes.one(Elementwise.binaryLong(in[0], in[1], (a, b) -> {
                if (b == 0) {
                    throw new EngineException("integer modulo by zero");
                }
                long r = a % b;
                return !fmod && r != 0 && (r < 0) != (b < 0) ? r + b : r;
            }));
        };
    }

    private static Op prelu(Node node, int opset) {
        node.checkAttributes(LEGACY);
        return in -> {
            Tensor slope = in[1];
            if (opset < 7 && in[0].rank() > 2 && slope.rank() == 1 && slope.size() == in[0].dim(1)) {
                // PRelu-6: one slope per channel (axis 1)
                int[] d = new int[in[0].rank() - 1];
                Arrays.fill(d, 1);
                d[0] = slope.size();
                slope = slope.reshape(d);
            }
            Tensor y = Elementwise.binary(in[0], slope, Elementwise.GENERIC, (x, s) -> x < 0 ? s * x : x);
            if (!Arrays.equals(y.dims(), in[0].dims())) {
                throw new EngineException("PRelu " + node.name() + ": slope " + Arrays.toString(in[1].dims())
                        + " does not broadcast to X " + Arrays.toString(in[0].dims()));
            }
            return Shapes.one(y);
        };
    }

    /** A float activation whose attributes are read by {@code make}. */
    interface ActivationMaker {
        Elementwise.F1 make(Node node);
    }

    static OpFactory activation(Set<String> attrs, ActivationMaker maker) {
        Set<String> known = new HashSet<>(attrs);
        known.addAll(LEGACY);
        return (node, opset) -> {
            node.checkAttributes(known);
            Elementwise.F1 f = maker.make(node);
            return in -> Shapes.one(Elementwise.unary(in[0], f));
        };
    }

    /** A unary op defined for floats and signed integers. */
    interface L1 {
        long apply(long x);
    }

    private static OpFactory signed(Elementwise.F1 f, L1 l) {
        return (node, opset) -> {
            node.checkAttributes(LEGACY);
            return in -> {
                Tensor x = in[0];
                if (x.type().isFloating()) {
                    return Shapes.one(Elementwise.unary(x, f));
                }
                long[] v = x.longs();
                long[] out = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = x.type().wrap(l.apply(v[i]));
                }
                return Shapes.one(Tensor.ofLongs(x.type(), out, x.dims()));
            };
        };
    }

    private static OpFactory comparison(Elementwise.Cmp cmp) {
        return (node, opset) -> {
            node.checkAttributes(Set.of("broadcast", "axis"));
            boolean legacy = legacy(node, opset);
            long axis = node.getInt("axis", Long.MIN_VALUE);
            return in -> Shapes.one(Elementwise.compare(in[0], legacy ? legacyBroadcast(in[0], in[1], axis) : in[1], cmp));
        };
    }

    private static OpFactory logical(Elementwise.L2 f) {
        return (node, opset) -> {
            node.checkAttributes(Set.of("broadcast", "axis"));
            boolean legacy = legacy(node, opset);
            long axis = node.getInt("axis", Long.MIN_VALUE);
            return in -> {
                requireBool(in[0], node);
                requireBool(in[1], node);
                return Shapes.one(Elementwise.binaryLong(in[0], legacy ? legacyBroadcast(in[0], in[1], axis) : in[1], f));
            };
        };
    }

    private static Op not(Node node, int opset) {
        node.checkAttributes(Set.of());
        return in -> {
            requireBool(in[0], node);
            long[] v = in[0].longs();
            long[] out = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i] == 0 ? 1 : 0;
            }
            return Shapes.one(Tensor.ofLongs(Tensor.Type.BOOL, out, in[0].dims()));
        };
    }

    private static void requireBool(Tensor t, Node node) {
        if (t.type() != Tensor.Type.BOOL) {
            throw new EngineException(node.opType() + " " + node.name() + " needs BOOL inputs, got " + t.type());
        }
    }

    private static OpFactory variadic(boolean mean, int code, Elementwise.F2 f, Elementwise.L2 l) {
        return (node, opset) -> {
            node.checkAttributes(LEGACY);
            return new Op() {
                @Override
                public Tensor[] run(Tensor[] in) {
                    Tensor acc = in[0];
                    for (int i = 1; i < in.length; i++) {
                        if (acc.type().isFloating()) {
                            acc = Elementwise.binary(acc, in[i], code, f);
                        } else if (l != null) {
                            acc = Elementwise.binaryLong(acc, in[i], l);
                        } else {
                            throw new EngineException(node.opType() + " " + node.name() + ": integer inputs are not supported");
                        }
                    }
                    if (in.length == 1) {
                        acc = acc.reshape(acc.dims());
                    }
                    if (mean) {
                        float[] v = acc.floats();
                        float[] out = new float[v.length];
                        for (int i = 0; i < v.length; i++) {
                            out[i] = v[i] / in.length;
                        }
                        acc = Tensor.ofFloats(out, acc.dims());
                    }
                    return Shapes.one(acc);
                }

                @Override
                public long flops(Tensor[] in, Tensor[] out) {
                    return (long) Math.max(1, in.length - 1 + (mean ? 1 : 0)) * out[0].size();
                }
            };
        };
    }

    private static Op clip(Node node, int opset) {
        node.checkAttributes(opset < 11 ? Set.of("min", "max", "consumed_inputs") : Set.of());
        float attrMin = node.getFloat("min", Float.NEGATIVE_INFINITY);
        float attrMax = node.getFloat("max", Float.POSITIVE_INFINITY);
        return in -> {
            Tensor x = in[0];
            Tensor lo = in.length > 1 ? in[1] : null;
            Tensor hi = in.length > 2 ? in[2] : null;
            if (x.type().isFloating()) {
                float min = lo != null ? (float) lo.getDouble(0) : opset < 11 ? attrMin : Float.NEGATIVE_INFINITY;
                float max = hi != null ? (float) hi.getDouble(0) : opset < 11 ? attrMax : Float.POSITIVE_INFINITY;
                return Shapes.one(Elementwise.unary(x, v -> v < min ? min : v > max ? max : v));
            }
            long min = lo != null ? lo.getLong(0) : Long.MIN_VALUE;
            long max = hi != null ? hi.getLong(0) : Long.MAX_VALUE;
            long[] v = x.longs();
            long[] out = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = Math.max(min, Math.min(max, v[i]));
            }
            return Shapes.one(Tensor.ofLongs(x.type(), out, x.dims()));
        };
    }

    /** Math.rint, written out because TeaVM's Math.rint rounds halves away from zero. */
    static float roundHalfEven(float x) {
        double f = Math.floor(x);
        double frac = x - f;
        if (frac < 0.5) {
            return (float) f;
        }
        if (frac > 0.5 || f % 2 != 0) {
            return (float) (f + 1);
        }
        return (float) f;
    }

    static float relu(float x) {
        return x > 0f ? x : (x == x ? 0f : x);
    }

    static float sigmoid(float x) {
        return Activations.sigmoid(x);
    }

    static float softplus(float x) {
        return x > 20 ? x : (float) Math.log1p(Math.exp(x));
    }

    static double erf(double x) {
        return Activations.erf(x);
    }

    private interface FloatPredicate {
        boolean test(float x);
    }

    private static Op predicate(FloatPredicate p) {
        return (Move) in -> {
            float[] x = in[0].floats();
            long[] out = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = p.test(x[i]) ? 1 : 0;
            }
            return Shapes.one(Tensor.ofLongs(Tensor.Type.BOOL, out, in[0].dims()));
        };
    }

    private static Op cumSum(Node node, int opset) {
        node.checkAttributes(Set.of("exclusive", "reverse"));
        boolean exclusive = node.getInt("exclusive", 0) != 0;
        boolean reverse = node.getInt("reverse", 0) != 0;
        return in -> {
            Tensor x = in[0];
            int r = x.rank();
            int a = Shapes.axis(in[1].getLong(0), r, "CumSum");
            int outer = Shapes.product(x.dims(), 0, a);
            int len = x.dim(a);
            int inner = Shapes.product(x.dims(), a + 1, r);
            Tensor out = x.like(x.dims());
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    double acc = 0;
                    for (int s = 0; s < len; s++) {
                        int j = reverse ? len - 1 - s : s;
                        int p = (o * len + j) * inner + i;
                        double v = x.getDouble(p);
                        if (!exclusive) {
                            acc += v;
                        }
                        if (x.type().isFloating()) {
                            out.floats()[p] = (float) acc;
                        } else {
                            out.longs()[p] = (long) acc;
                        }
                        if (exclusive) {
                            acc += v;
                        }
                    }
                }
            }
            return Shapes.one(out);
        };
    }
}
