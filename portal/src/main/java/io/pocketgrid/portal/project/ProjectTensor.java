package io.pocketgrid.portal.project;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Transient;

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

    // parsed once: every lease, task input and result reads them (projects are cached, never changed)
    @Transient
    private int[] parsedDims;

    @Transient
    private Tensor.Type parsedType;

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
        if (parsedType == null) {
            parsedType = TensorBytes.fromName(dtype);
        }
        return parsedType;
    }

    /** The element type's NumPy name: float32, int64, bool, ... */
    public String dtype() {
        return dtype;
    }

    public int[] itemDims() {
        if (parsedDims == null) {
            parsedDims = Dims.parse(itemDims);
        }
        return parsedDims.clone();
    }

    /** Bytes of one item: elements of an item times the element width. */
    public long itemBytes() {
        return Dims.size(itemDims()) * TensorBytes.width(type());
    }
}
