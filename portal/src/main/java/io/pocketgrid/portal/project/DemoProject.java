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
 * Creates the bundled demo project (a Fashion-MNIST classifier over 2,000 test images) on the
 * first start, so a new portal always has work for its first volunteer.
 */
@Component
class DemoProject implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoProject.class);
    static final String NAME = "Fashion-MNIST demo";

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
        try (InputStream model = new ClassPathResource("demo/" + properties.demoModel() + ".onnx").getInputStream();
             InputStream inputs = new ClassPathResource("demo/inputs.npy").getInputStream();
             InputStream labels = new ClassPathResource("demo/labels.npy").getInputStream()) {
            Project p = projects.create(new ProjectService.Upload(null, NAME, "Classifies 2,000 Fashion-MNIST test"
                    + " images (clothing photos, 28×28) with a small " + properties.demoModel().toUpperCase()
                    + ". Bundled with PocketGrid.", model, inputs, labels, ProjectSettings.defaults()));
            log.info("Created the demo project {} ({} tasks of {} images)", p.getId(),
                    (p.getItemCount() + p.getInputsPerTask() - 1) / p.getInputsPerTask(), p.getInputsPerTask());
        }
    }
}
