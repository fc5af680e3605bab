package io.pocketgrid.worker.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Which way the arrows go in this module (see its README): the engine knows nothing of how it is
 * driven; the worker loop runs the engine but not in a browser of its own accord; only {@code teavm/}
 * touches TeaVM; the reference kit (OnnxRuntime, conformance) is for the JVM and its users, never
 * for the engine; the command line sits on top. A rule broken here names the class and the call.
 */
class BoundariesTest {

    private static final String ROOT = "io.pocketgrid.worker";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    @Test
    void theEngineDependsOnNoneOfItsDrivers() {
        noClasses().that().resideInAPackage(ROOT + ".engine..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".loop..", ROOT + ".teavm..", ROOT + ".cli..",
                        ROOT + ".reference..")
                .check(CLASSES);
    }

    @Test
    void theWorkerLoopIsPlainJava() {
        noClasses().that().resideInAPackage(ROOT + ".loop..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".teavm..", ROOT + ".cli..", ROOT + ".reference..")
                .check(CLASSES);
    }

    @Test
    void onlyTheTeaVmEntryPointsTouchTeaVm() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".teavm..")
                .should().dependOnClassesThat().resideInAPackage("org.teavm..")
                .check(CLASSES);
    }

    @Test
    void theReferenceKitServesTheCommandLineAndNeverTheOtherWay() {
        noClasses().that().resideInAPackage(ROOT + ".reference..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".cli..", ROOT + ".loop..", ROOT + ".teavm..")
                .check(CLASSES);
    }

    @Test
    void theTopLevelPackagesFormNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theEnginesPackagesFormNoCycle() {
        slices().matching(ROOT + ".engine.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
