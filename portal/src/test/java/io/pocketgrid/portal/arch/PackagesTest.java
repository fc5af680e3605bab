package io.pocketgrid.portal.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Which way the portal's arrows go (see its README): features are packages, no two of them lean on
 * each other in a loop, and only the views and the security setup know Vaadin — the domain is
 * reachable from the REST API and from the views alike. A broken rule names the class and the call.
 */
class PackagesTest {

    private static final String ROOT = "io.pocketgrid.portal";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    @Test
    void noTwoFeaturesDependOnEachOtherInALoop() {
        // the one allowed: Vaadin's security configurer is told which view signs people in
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
                .ignoreDependency(ROOT + ".security.SecurityConfig", ROOT + ".ui.LoginView")
                .check(CLASSES);
    }

    @Test
    void onlyTheViewsAndTheSecuritySetupKnowVaadin() {
        // the application class itself is Vaadin's app shell (push, viewport, icons): it lives above the features
        noClasses().that().resideInAPackage(ROOT + ".*..").and().resideOutsideOfPackages(ROOT + ".ui..", ROOT + ".security..")
                .should().dependOnClassesThat().resideInAPackage("com.vaadin..")
                .check(CLASSES);
    }

    @Test
    void nothingButTheViewsAndTheSecuritySetupDependsOnTheViews() {
        noClasses().that().resideInAPackage(ROOT + ".*..").and().resideOutsideOfPackages(ROOT + ".ui..", ROOT + ".security..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".ui..")
                .check(CLASSES);
    }

    @Test
    void servicesRefuseWithAKindNotAnHttpStatus() {
        // a refusal carries ApiException.Kind; api/ApiErrorWriter maps kinds to HTTP in one place
        noClasses().that().haveSimpleNameEndingWith("Service").or().haveSimpleNameEndingWith("Batch")
                .or().haveSimpleNameEndingWith("Book").or().haveSimpleNameEndingWith("Store")
                .should().dependOnClassesThat().resideInAPackage("org.springframework.http..")
                .check(CLASSES);
    }
}
