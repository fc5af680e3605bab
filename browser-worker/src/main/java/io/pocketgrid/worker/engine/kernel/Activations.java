package io.pocketgrid.worker.engine.kernel;

/**
 * The scalar definitions of {@link GemmBackend#unary}'s op codes: the Java backend runs them, and
 * the SIMD kernels are tested against them.
 */
public final class Activations {

    private Activations() {
    }

    /** {@code f(x)} for op code {@code op} ({@link GemmBackend#SIGMOID}…{@link GemmBackend#LEAKY_RELU}). */
    public static float apply(int op, float x, float alpha, float beta) {
        return switch (op) {
            case GemmBackend.SIGMOID -> sigmoid(x);
            case GemmBackend.SILU -> x * sigmoid(x);
            case GemmBackend.HARD_SIGMOID -> Math.max(0f, Math.min(1f, alpha * x + beta));
            case GemmBackend.HARD_SWISH -> x * Math.max(0f, Math.min(1f, alpha * x + beta));
            case GemmBackend.GELU -> (float) (0.5 * x * (1 + erf(x / Math.sqrt(2))));
            case GemmBackend.TANH -> (float) Math.tanh(x);
            case GemmBackend.EXP -> (float) Math.exp(x);
            case GemmBackend.ERF -> (float) erf(x);
            case GemmBackend.LEAKY_RELU -> x < 0 ? alpha * x : x;
            default -> throw new IllegalArgumentException("unknown unary op " + op);
        };
    }

    public static float sigmoid(float x) {
        return x >= 0 ? (float) (1 / (1 + Math.exp(-x))) : (float) (Math.exp(x) / (1 + Math.exp(x)));
    }

    /** The error function, to about 1e-7 (Java has none): a series near 0, else Numerical Recipes' erfc. */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (z < 0.5) {
            double term = x;
            double sum = x;
            double x2 = x * x;
            for (int n = 1; n < 12; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return sum * 2 / Math.sqrt(Math.PI);
        }
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
