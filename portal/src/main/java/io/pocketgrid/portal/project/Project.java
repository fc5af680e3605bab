package io.pocketgrid.portal.project;

import io.pocketgrid.worker.engine.Tensor;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A workload: one ONNX model, one {@code .npy} file of items per graph input it feeds, the graph
 * outputs it collects, cut into tasks of {@code inputsPerTask} items.
 */
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

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "project_input", joinColumns = @JoinColumn(name = "project_id"))
    @OrderColumn(name = "ordinal")
    private List<ProjectInput> inputs = new ArrayList<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "project_output", joinColumns = @JoinColumn(name = "project_id"))
    @OrderColumn(name = "ordinal")
    private List<ProjectTensor> outputs = new ArrayList<>();

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

    Project(Long ownerId, String name, String description, ModelFacts model, List<ProjectInput> inputs, int itemCount,
            LabelFacts labels, ProjectSettings settings, Instant createdAt) {
        this.ownerId = ownerId;
        this.name = name;
        this.description = description;
        this.status = ProjectStatus.RUNNING;
        this.modelSha256 = model.sha256();
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(model.outputs());
        this.flopsPerItem = model.flopsPerItem();
        this.itemCount = itemCount;
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

    /** The graph inputs this project feeds, in the order tasks carry them. */
    public List<ProjectInput> getInputs() {
        return List.copyOf(inputs);
    }

    /** The graph outputs this project collects, in the order results carry them. */
    public List<ProjectTensor> getOutputs() {
        return List.copyOf(outputs);
    }

    /**
     * Whether a task is one float32 input and its result one float32 output: the only kind a client
     * of the first protocol (raw float32 bodies, {@code X-Tensor-Dims}) can handle.
     */
    public boolean isSingleFloat32() {
        return inputs.size() == 1 && outputs.size() == 1 && inputs.get(0).tensor().type() == Tensor.Type.FLOAT
                && outputs.get(0).type() == Tensor.Type.FLOAT;
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
