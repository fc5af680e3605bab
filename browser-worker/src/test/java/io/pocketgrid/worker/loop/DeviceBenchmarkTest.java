package io.pocketgrid.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.worker.engine.kernel.JavaGemmBackend;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceBenchmarkTest {

    @Test
    void reportsFlopsOfTheProductsRunPerElapsedTime() {
        // a clock that advances 1 ms per reading: the warm-up (0 ms) runs one product and reads it
        // twice; the measurement starts at 2 ms, its window (3 ms, from 3 ms) runs 3 products, ends at 7 ms
        AtomicLong clock = new AtomicLong();
        double gflops = DeviceBenchmark.gflops(new JavaGemmBackend(), () -> clock.getAndAdd(1_000_000), 0, 3);
        double flopsPerProduct = 2.0 * DeviceBenchmark.M * DeviceBenchmark.N * DeviceBenchmark.K;
        assertThat(gflops).isCloseTo(3 * flopsPerProduct / 5e6, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void measuresARealKernel() {
        JavaGemmBackend backend = new JavaGemmBackend();
        assertThat(DeviceBenchmark.gflops(backend, System::nanoTime, 20, 50)).isPositive().isFinite();
    }
}
