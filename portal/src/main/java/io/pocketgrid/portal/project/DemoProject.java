package io.pocketgrid.portal.project;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The bundled demo projects, so a portal always has work for a newcomer: a Fashion-MNIST classifier
 * over 2,000 test images and (unless {@code pocketgrid.demo-workloads=false}) the same with an
 * int8-quantized model and a text classifier fed int64 token ids and an attention mask. They are
 * created on the first start; afterwards each demo runs in rounds ({@link DemoRoundsProperties}): once
 * its newest round has handed out every task once, or finished, the next round is queued — the same
 * model and inputs again, named "… — round N" — while at most {@code maxOpen} rounds run at once.
 * Volunteers get the demos by fair share like any project.
 */
@Component
class DemoProject implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoProject.class);
    static final String NAME = "Fashion-MNIST demo";
    static final String INT8_NAME = "Fashion-MNIST demo, int8 model";
    static final String TEXT_NAME = "Sentence topics demo";

    /** One bundled demo: its key in {@code project.demo_key}, its first round's name, and its files under {@code demo/}. */
    record Demo(String key, String name, String description, String model, String inputs, String labels) {
    }

    private final ProjectService projects;
    private final ProjectTasks tasks;
    private final DemoProperties properties;
    private final DemoRoundsProperties rounds;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    DemoProject(ProjectService projects, ProjectTasks tasks, DemoProperties properties, DemoRoundsProperties rounds,
                JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.projects = projects;
        this.tasks = tasks;
        this.properties = properties;
        this.rounds = rounds;
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** The demos this portal runs, by its settings. */
    List<Demo> demos() {
        List<Demo> demos = new ArrayList<>();
        if (!properties.demoProject()) {
            return demos;
        }
        demos.add(new Demo("fashion", NAME, "Classifies 2,000 Fashion-MNIST test images (clothing photos, 28×28) with a"
                + " small " + properties.demoModel().toUpperCase() + ".", properties.demoModel() + ".onnx", "inputs.npy",
                "labels.npy"));
        if (properties.demoWorkloads()) {
            demos.add(new Demo("fashion-int8", INT8_NAME, "The same 2,000 Fashion-MNIST images with the same CNN, its"
                    + " weights quantized to int8 (DequantizeLinear per output channel): a model about a quarter of the"
                    + " size for a phone to download.", "cnn-int8.onnx", "inputs.npy", "labels.npy"));
            demos.add(new Demo("text", TEXT_NAME, "Sorts 2,000 short English sentences into four topics (sports, weather,"
                    + " food, technology) with a small BERT-style encoder: int64 token ids and attention mask in, class"
                    + " logits out.", "text.onnx", "text-inputs.npz", "text-labels.npy"));
        }
        return demos;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!projects.all().isEmpty()) {
            return;
        }
        for (Demo demo : demos()) {
            create(demo, 1);
        }
    }

    /**
     * Queues the next round of every demo whose newest round has handed out each of its tasks at least
     * once or has finished, unless {@code maxOpen} rounds of it are running. A demo an admin paused or
     * cancelled gets no new round. Every instance looks; the unique (demo, round) index lets one win.
     */
    @Scheduled(fixedDelayString = "${pocketgrid.demo-rounds.interval:30s}", initialDelayString = "${pocketgrid.demo-rounds.interval:30s}")
    void queueRounds() {
        if (!rounds.enabled()) {
            return;
        }
        for (Demo demo : demos()) {
            Integer next = nextRound(demo.key());
            if (next != null) {
                create(demo, next);
            }
        }
    }

    /** The round to queue for this demo now, or null. */
    private Integer nextRound(String key) {
        record Round(long projectId, int round, ProjectStatus status) {
        }
        List<Round> all = jdbc.query("SELECT id, demo_round, status FROM project WHERE demo_key = ? ORDER BY demo_round DESC",
                (rs, row) -> new Round(rs.getLong(1), rs.getInt(2), ProjectStatus.valueOf(rs.getString(3))), key);
        if (all.isEmpty()) {
            return null; // the demo was never created here (or the operator deleted it): not ours to bring back
        }
        Round newest = all.getFirst();
        long running = all.stream().filter(r -> r.status() == ProjectStatus.RUNNING).count();
        boolean ready = switch (newest.status()) {
            case COMPLETED, INCOMPLETE -> true;
            case RUNNING -> tasks.allHandedOut(newest.projectId());
            default -> false;
        };
        return ready && running < rounds.maxOpen() ? newest.round() + 1 : null;
    }

    /** One round of a demo from the bundled files, with the default settings; false when another instance was first. */
    private boolean create(Demo demo, int round) {
        String name = round == 1 ? demo.name() : demo.name() + " — round " + round;
        String description = demo.description() + (round == 1 ? " Bundled with PocketGrid."
                : " Round " + round + " of this demo bundled with PocketGrid: the same items again, queued when round "
                + (round - 1) + " had handed out all its tasks, so a newcomer always finds work.");
        try (InputStream m = demo(demo.model()); InputStream in = demo(demo.inputs()); InputStream l = demo(demo.labels())) {
            Project p = transaction.execute(status -> {
                Project created = projects.create(new ProjectService.Upload(null, name, description, m, in, l,
                        ProjectSettings.defaults()));
                jdbc.update("UPDATE project SET demo_key = ?, demo_round = ? WHERE id = ?", demo.key(), round, created.getId());
                return created;
            });
            log.info("Created the demo project {} '{}' ({} tasks of {} items)", p.getId(), p.getName(),
                    (p.getItemCount() + p.getInputsPerTask() - 1) / p.getInputsPerTask(), p.getInputsPerTask());
            return true;
        } catch (DataIntegrityViolationException e) {
            log.debug("Round {} of the demo {} was queued by another instance", round, demo.key());
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream demo(String file) throws IOException {
        return new ClassPathResource("demo/" + file).getInputStream();
    }
}
