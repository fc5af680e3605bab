package io.pocketgrid.portal.project;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.time.Instant;

/** A workload: one ONNX model, one input tensor file, cut into tasks of {@code inputsPerTask} items. */
@Entity
public class Project {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false, length = 4000)
    private String description;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private ProjectStatus status;

    @Column(name = "model_sha256", nullable = false)
    private String modelSha256;

    @Column(name = "input_sha256", nullable = false)
    private String inputSha256;

    @Column(name = "input_offset", nullable = false)
    private long inputOffset;

    @Column(name = "input_name", nullable = false)
    private String inputName;

    @Column(name = "item_dims", nullable = false)
    private String itemDims;

    @Column(name = "output_name", nullable = false)
    private String outputName;

    @Column(name = "output_item_dims", nullable = false)
    private String outputItemDims;

    @Column(name = "item_count", nullable = false)
    private int itemCount;

    @Column(name = "inputs_per_task", nullable = false)
    private int inputsPerTask;

    @Column(nullable = false)
    private int replication;

    @Column(nullable = false)
    private int quorum;

    @Column(nullable = false)
    private double atol;

    @Column(nullable = false)
    private double rtol;

    @Column(name = "deadline_seconds", nullable = false)
    private int deadlineSeconds;

    @Column(name = "flops_per_item", nullable = false)
    private long flopsPerItem;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "owner_id")
    private Long ownerId;

    @Column(name = "max_errors", nullable = false)
    private int maxErrors;

    @Column(nullable = false)
    private int priority;

    @Column(name = "labels_sha256")
    private String labelsSha256;

    @Column(name = "labels_offset")
    private Long labelsOffset;

    @Column(name = "completed_at")
    private Instant completedAt;

    protected Project() {
    }

    Project(Long ownerId, String name, String description, ModelFacts model, InputFacts input, LabelFacts labels,
            ProjectSettings settings, Instant createdAt) {
        this.ownerId = ownerId;
        this.name = name;
        this.description = description;
        this.status = ProjectStatus.RUNNING;
        this.modelSha256 = model.sha256();
        this.inputName = model.inputName();
        this.outputName = model.outputName();
        this.outputItemDims = Dims.format(model.outputItemDims());
        this.flopsPerItem = model.flopsPerItem();
        this.inputSha256 = input.sha256();
        this.inputOffset = input.dataOffset();
        this.itemDims = Dims.format(input.itemDims());
        this.itemCount = input.itemCount();
        this.inputsPerTask = settings.inputsPerTask();
        this.replication = settings.replication();
        this.quorum = settings.quorum();
        this.atol = settings.atol();
        this.rtol = settings.rtol();
        this.deadlineSeconds = settings.deadlineSeconds();
        this.maxErrors = settings.maxErrors();
        this.priority = settings.priority();
        if (labels != null) {
            this.labelsSha256 = labels.sha256();
            this.labelsOffset = labels.dataOffset();
        }
        this.createdAt = createdAt;
    }

    public Long getOwnerId() {
        return ownerId;
    }

    public int getMaxErrors() {
        return maxErrors;
    }

    public int getPriority() {
        return priority;
    }

    public String getLabelsSha256() {
        return labelsSha256;
    }

    public Long getLabelsOffset() {
        return labelsOffset;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getCompletedAt() {
        return completedAt;
    }

    void setCompletedAt(Instant completedAt) {
        this.completedAt = completedAt;
    }

    public double getAtol() {
        return atol;
    }

    public double getRtol() {
        return rtol;
    }

    void setStatus(ProjectStatus status) {
        this.status = status;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getDescription() {
        return description;
    }

    public ProjectStatus getStatus() {
        return status;
    }

    public String getModelSha256() {
        return modelSha256;
    }

    public String getInputSha256() {
        return inputSha256;
    }

    public long getInputOffset() {
        return inputOffset;
    }

    public String getInputName() {
        return inputName;
    }

    public int[] getItemDims() {
        return Dims.parse(itemDims);
    }

    public String getOutputName() {
        return outputName;
    }

    public int[] getOutputItemDims() {
        return Dims.parse(outputItemDims);
    }

    public int getItemCount() {
        return itemCount;
    }

    public int getInputsPerTask() {
        return inputsPerTask;
    }

    public int getReplication() {
        return replication;
    }

    public int getQuorum() {
        return quorum;
    }

    public long getFlopsPerItem() {
        return flopsPerItem;
    }

    public int getDeadlineSeconds() {
        return deadlineSeconds;
    }
}
