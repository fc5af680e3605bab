package io.pocketgrid.portal.project;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * A graph input a project feeds or a graph output it collects: its name, element type and the dims
 * of one item ({@link ProjectInput} adds where an input's items are stored).
 */
@Embeddable
public class ProjectTensor {

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String dtype;

    @Column(name = "item_dims", nullable = false)
    private String itemDims;

    protected ProjectTensor() {
    }

    ProjectTensor(String name, Tensor.Type type, int[] itemDims) {
        this.name = name;
        this.dtype = TensorBytes.name(type);
        this.itemDims = Dims.format(itemDims);
    }

    public String name() {
        return name;
    }

    public Tensor.Type type() {
        return TensorBytes.fromName(dtype);
    }

    /** The element type's NumPy name: float32, int64, bool, ... */
    public String dtype() {
        return dtype;
    }

    public int[] itemDims() {
        return Dims.parse(itemDims);
    }

    /** Bytes of one item: elements of an item times the element width. */
    public long itemBytes() {
        return Dims.size(itemDims()) * TensorBytes.width(type());
    }
}
