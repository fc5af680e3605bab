package io.pocketgrid.worker.engine.plan;

/**
 * A place in a binding's {@link Region}: {@code floats} long, live from step {@code first} to
 * {@code last} (the steps that write and read it, see {@link Steps#add}); {@code address} is
 * given when the region is laid out. A pinned place holds data written once, when allocated.
 */
final class Place {
    final int floats;
    int address;
    int first = Integer.MAX_VALUE;
    int last = -1;
    float[] pinned;

    Place(int floats) {
        this.floats = floats;
    }
}
