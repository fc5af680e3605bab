package io.pocketgrid.portal.project;

import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Creates the bundled demo projects on the first start, so a new portal always has work for its
 * first volunteer: a Fashion-MNIST classifier over 2,000 test images and (unless
 * {@code pocketgrid.demo-workloads=false}) the same with an int8-quantized model and a text
 * classifier fed int64 token ids and an attention mask. Volunteers get them by fair share.
 */
@Component
class DemoProject implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoProject.class);
    static final String NAME = "Fashion-MNIST demo";
    static final String INT8_NAME = "Fashion-MNIST demo, int8 model";
    static final String TEXT_NAME = "Sentence topics demo";

    private final ProjectService projects;
    private final io.pocketgrid.portal.config.PocketGridProperties properties;

    DemoProject(ProjectService projects, io.pocketgrid.portal.config.PocketGridProperties properties) {
        this.projects = projects;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (!properties.demoProject() || !projects.all().isEmpty()) {
            return;
        }
        create(NAME, "Classifies 2,000 Fashion-MNIST test images (clothing photos, 28×28) with a small "
                + properties.demoModel().toUpperCase() + ".", properties.demoModel() + ".onnx", "inputs.npy", "labels.npy");
        if (!properties.demoWorkloads()) {
            return;
        }
        create(INT8_NAME, "The same 2,000 Fashion-MNIST images with the same CNN, its weights quantized to int8"
                + " (DequantizeLinear per output channel): a model about a quarter of the size for a phone to download.",
                "cnn-int8.onnx", "inputs.npy", "labels.npy");
        create(TEXT_NAME, "Sorts 2,000 short English sentences into four topics (sports, weather, food, technology)"
                + " with a small BERT-style encoder: int64 token ids and attention mask in, class logits out.",
                "text.onnx", "text-inputs.npz", "text-labels.npy");
    }

    /** One demo project from the bundled files under {@code demo/}, with the default settings. */
    private void create(String name, String description, String model, String inputs, String labels) throws IOException {
        try (InputStream m = demo(model); InputStream in = demo(inputs); InputStream l = demo(labels)) {
            Project p = projects.create(new ProjectService.Upload(null, name, description + " Bundled with PocketGrid.",
                    m, in, l, ProjectSettings.defaults()));
            log.info("Created the demo project {} '{}' ({} tasks of {} items)", p.getId(), p.getName(),
                    (p.getItemCount() + p.getInputsPerTask() - 1) / p.getInputsPerTask(), p.getInputsPerTask());
        }
    }

    private static InputStream demo(String file) throws IOException {
        return new ClassPathResource("demo/" + file).getInputStream();
    }
}
