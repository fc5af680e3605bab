package io.pocketgrid.portal.project;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Embedded;

/** A graph input a project feeds, and the {@code .npy} blob its items are read from. */
@Embeddable
public class ProjectInput {

    @Embedded
    private ProjectTensor tensor;

    @Column(name = "blob_sha256", nullable = false)
    private String blobSha256;

    /** Where the first item starts in the blob: the .npy header's length. */
    @Column(name = "data_offset", nullable = false)
    private long dataOffset;

    protected ProjectInput() {
    }

    ProjectInput(ProjectTensor tensor, String blobSha256, long dataOffset) {
        this.tensor = tensor;
        this.blobSha256 = blobSha256;
        this.dataOffset = dataOffset;
    }

    public ProjectTensor tensor() {
        return tensor;
    }

    public String name() {
        return tensor.name();
    }

    public String blobSha256() {
        return blobSha256;
    }

    public long dataOffset() {
        return dataOffset;
    }
}
