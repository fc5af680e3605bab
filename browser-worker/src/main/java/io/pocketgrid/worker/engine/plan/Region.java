package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.kernel.GemmBackend;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend memory of one binding: every {@link Place} its steps use, laid out in one region of
 * the backend once the steps are known, so that places live at the same time never overlap and
 * the others share memory.
 */
final class Region {

    private final GemmBackend backend;
    private final List<Place> places = new ArrayList<>();
    private int floats;
    private int id = -1;

    Region(GemmBackend backend) {
        this.backend = backend;
    }

    /** A new place of {@code floats} floats; its lifetime is marked by the steps that use it. */
    Place place(int floats) {
        Place p = new Place(floats);
        places.add(p);
        return p;
    }

    /** A place holding {@code data} for the whole binding, written when the region is allocated. */
    Place pinned(float[] data) {
        Place p = place(data.length);
        p.pinned = data;
        p.first = -1;
        p.last = Integer.MAX_VALUE;
        return p;
    }

    /**
     * Gives every place an address in one region: places live at the same time never overlap,
     * the others share memory (largest first, each at the lowest offset free for its lifetime).
     */
    void allocate() {
        List<Place> order = new ArrayList<>(places);
        order.sort((p, q) -> Integer.compare(q.floats, p.floats));
        List<Place> placed = new ArrayList<>();
        int total = 0;
        for (Place b : order) {
            int size = (b.floats + 3) & ~3;
            int first = Math.min(b.first, b.last);
            List<int[]> taken = new ArrayList<>();
            for (Place p : placed) {
                if (Math.min(p.first, p.last) <= b.last && first <= p.last) {
                    taken.add(new int[] {p.address, p.address + ((p.floats + 3) & ~3)});
                }
            }
            taken.sort((u, w) -> Integer.compare(u[0], w[0]));
            int at = 0;
            for (int[] t : taken) {
                if (at + size <= t[0]) {
                    break;
                }
                at = Math.max(at, t[1]);
            }
            b.address = at;
            total = Math.max(total, at + size);
            placed.add(b);
        }
        floats = Math.max(total, 4);
        id = backend.alloc(floats);
        for (Place b : places) {
            b.address += id;
            if (b.pinned != null) {
                backend.write(b.address, b.pinned, 0, b.pinned.length);
            }
        }
    }

    /** Floats of backend memory the region takes (0 before {@link #allocate}). */
    int floats() {
        return floats;
    }

    /** Gives the region back to the backend (nothing when it was never allocated, or is freed already). */
    void free() {
        if (id >= 0) {
            backend.free(id);
            id = -1;
        }
    }
}
