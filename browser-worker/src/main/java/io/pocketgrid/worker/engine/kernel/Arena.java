package io.pocketgrid.worker.engine.kernel;

import io.pocketgrid.worker.engine.EngineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * First-fit allocation of 4-aligned regions in a flat float address space that only grows; a
 * backend sizes its memory to {@link #top()}. Plans allocate a handful of large regions (weights
 * once, activations per input shape), so a list scan is plenty.
 */
public final class Arena {

    private static final int ALIGN = 4;

    private final List<int[]> freeBlocks = new ArrayList<>();
    private final Map<Integer, Integer> sizes = new HashMap<>();
    private int top;

    /** An arena whose first address is {@code start} (rounded up to the alignment). */
    public Arena(int start) {
        this.top = round(start);
    }

    /** A region of at least {@code floats} floats; its address. */
    public int alloc(int floats) {
        if (floats < 0) {
            throw new EngineException("negative allocation: " + floats);
        }
        int size = Math.max(ALIGN, round(floats));
        for (int i = 0; i < freeBlocks.size(); i++) {
            int[] b = freeBlocks.get(i);
            if (b[1] >= size) {
                int at = b[0];
                if (b[1] == size) {
                    freeBlocks.remove(i);
                } else {
                    b[0] += size;
                    b[1] -= size;
                }
                sizes.put(at, size);
                return at;
            }
        }
        if ((long) top + size > Integer.MAX_VALUE / 4) {
            throw new EngineException("model needs more than 2 GB of tensor memory");
        }
        int at = top;
        top += size;
        sizes.put(at, size);
        return at;
    }

    /** Gives back a region; neighbouring free regions merge. */
    public void free(int address) {
        Integer size = sizes.remove(address);
        if (size == null) {
            throw new EngineException("no region at " + address);
        }
        int i = 0;
        while (i < freeBlocks.size() && freeBlocks.get(i)[0] < address) {
            i++;
        }
        freeBlocks.add(i, new int[] {address, size});
        if (i + 1 < freeBlocks.size() && address + size == freeBlocks.get(i + 1)[0]) {
            freeBlocks.get(i)[1] += freeBlocks.remove(i + 1)[1];
        }
        if (i > 0 && freeBlocks.get(i - 1)[0] + freeBlocks.get(i - 1)[1] == address) {
            freeBlocks.get(i - 1)[1] += freeBlocks.remove(i)[1];
        }
    }

    /** One past the highest address ever handed out. */
    public int top() {
        return top;
    }

    private static int round(int floats) {
        return (floats + ALIGN - 1) / ALIGN * ALIGN;
    }
}
